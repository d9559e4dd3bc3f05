/**
 * Reading every page of `GET …/processors`: one page size, one next-page rule and one guard for
 * the shared reads and the data functions alike. A processor missed by a paging rule would be
 * read as absent (and created), so the rule errs towards one more page.
 */

/** Items asked for per page: the API's maximum (https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/). */
export const LIST_PAGE_SIZE = 500;

/** A guard against a server whose pages never end. */
export const MAX_PAGES = 1000;

/** What one page showed. */
export interface PageFacts {
  /** Items on this page. */
  itemsOnPage: number;
  /** Items on every page so far, this one included. */
  seenSoFar: number;
  /** The body's `totalCount`, when it has one. */
  totalCount?: number | undefined;
  /** Whether the body's `links` has `rel: "next"`. */
  hasNextLink: boolean;
}

/**
 * Whether another page follows: always after a `next` link; else while `totalCount` is not
 * reached (counted in items seen, so a server that pages smaller than asked is followed too);
 * else after a full page. An empty page ends the list.
 */
export function needsNextPage(f: PageFacts): boolean {
  if (f.itemsOnPage === 0) return false;
  if (f.hasNextLink) return true;
  if (f.totalCount !== undefined) return f.seenSoFar < f.totalCount;
  return f.itemsOnPage >= LIST_PAGE_SIZE;
}

/** The path of page `pageNum` of a list at `base` (`…/processors`). */
export function pagePath(base: string, pageNum: number): string {
  return `${base}?pageNum=${pageNum}&itemsPerPage=${LIST_PAGE_SIZE}`;
}

/**
 * Every item of every page, in Atlas's order. `fetchPage` returns a page's body; a body without
 * a `results` array (a proxy's page, an unexpected shape) is an error, never an empty list.
 */
export async function readAllPages(fetchPage: (pageNum: number) => Promise<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const body = ((await fetchPage(pageNum)) ?? {}) as { results?: unknown; totalCount?: unknown; links?: unknown };
    if (!Array.isArray(body.results)) throw new Error("the processor list has no results array");
    items.push(...(body.results as unknown[]));
    const links = Array.isArray(body.links) ? (body.links as { rel?: unknown }[]) : [];
    const more = needsNextPage({
      itemsOnPage: body.results.length,
      seenSoFar: items.length,
      totalCount: typeof body.totalCount === "number" ? body.totalCount : undefined,
      hasNextLink: links.some((l) => l?.rel === "next"),
    });
    if (!more) return items;
  }
  throw new Error(`the processor list did not end after ${MAX_PAGES} pages`);
}
