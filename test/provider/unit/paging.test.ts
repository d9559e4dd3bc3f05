// The one paging rule of `GET …/processors` (provider/atlas/paging.ts), with literal sizes: it
// must not pass at any page size.
import { expect } from "chai";
import { LIST_PAGE_SIZE, needsNextPage, pagePath, readAllPages, type PageFacts } from "../../../provider/atlas/paging";

describe("paging of the processor list", () => {
  it("asks for 500 a page, the API's maximum", () => {
    expect(LIST_PAGE_SIZE).to.equal(500);
    expect(pagePath("/p/processors", 3)).to.equal("/p/processors?pageNum=3&itemsPerPage=500");
  });

  describe("needsNextPage", () => {
    const cases: [string, PageFacts, boolean][] = [
      ["a next link", { itemsOnPage: 500, seenSoFar: 500, hasNextLink: true }, true],
      [
        "links without next, totalCount not reached (one more page rather than a processor missed)",
        { itemsOnPage: 500, seenSoFar: 500, totalCount: 1000, hasNextLink: false },
        true,
      ],
      ["totalCount beyond the items seen", { itemsOnPage: 500, seenSoFar: 500, totalCount: 501, hasNextLink: false }, true],
      ["totalCount reached", { itemsOnPage: 1, seenSoFar: 501, totalCount: 501, hasNextLink: false }, false],
      ["a server paging 100 at a time, totalCount 250", { itemsOnPage: 100, seenSoFar: 100, totalCount: 250, hasNextLink: false }, true],
      ["a short page, no count, no link", { itemsOnPage: 120, seenSoFar: 120, hasNextLink: false }, false],
      ["a full page of 500, no count, no link", { itemsOnPage: 500, seenSoFar: 500, hasNextLink: false }, true],
      ["an empty page, even with a next link", { itemsOnPage: 0, seenSoFar: 500, hasNextLink: true }, false],
    ];
    for (const [what, facts, expected] of cases) {
      it(`${what} → ${expected ? "next page" : "done"}`, () => expect(needsNextPage(facts)).to.equal(expected));
    }
  });

  describe("readAllPages", () => {
    it("follows pages until the rule says done, keeping Atlas's order", async () => {
      const asked: number[] = [];
      const pages: Record<number, unknown> = {
        1: { results: [{ name: "a" }, { name: "b" }], totalCount: 3, links: [{ rel: "self" }] },
        2: { results: [{ name: "c" }], totalCount: 3, links: [{ rel: "self" }] },
      };
      const items = await readAllPages(async (n) => {
        asked.push(n);
        return pages[n];
      });
      expect(asked).to.deep.equal([1, 2]);
      expect(items).to.deep.equal([{ name: "a" }, { name: "b" }, { name: "c" }]);
    });

    it("refuses a body without a results array instead of reading it as an empty list", async () => {
      const err = await readAllPages(async () => ({ html: "<p>proxy</p>" })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.equal("the processor list has no results array");
    });

    it("stops a list that never ends after 1000 pages", async () => {
      let n = 0;
      const err = await readAllPages(async () => {
        n += 1;
        return { results: [{ name: `p${n}` }], links: [{ rel: "next" }] };
      }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(n).to.equal(1000);
      expect(err?.message).to.include("did not end after 1000 pages");
    });
  });
});
