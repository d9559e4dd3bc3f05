// Atlas' list paging, for every list the emulator serves: `itemsPerPage` (1–500, default 100),
// `pageNum`, `includeCount`, and `links` with `previous`/`self`/`next`.
import { invalidField } from "../errors";
import { parseBooleanParam } from "../validation";
import type { ApiRequest } from "./request";

function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    return invalidField(name, `must be an integer between ${min} and ${max}`, "INVALID_QUERY_PARAMETER");
  }
  return Number(v);
}

export function paginate<T>(
  req: Pick<ApiRequest, "query" | "baseUrl" | "rawPath">,
  items: T[],
  view: (t: T) => unknown,
  withCount: boolean,
): Record<string, unknown> {
  const itemsPerPage = intParam(req.query, "itemsPerPage", 100, 1, 500);
  const pageNum = intParam(req.query, "pageNum", 1, 1, Number.MAX_SAFE_INTEGER);
  const includeCount = withCount ? parseBooleanParam(req.query, "includeCount", true) : true;
  const start = (pageNum - 1) * itemsPerPage;
  const page = items.slice(start, start + itemsPerPage);
  const href = (n: number) => `${req.baseUrl}${req.rawPath}?pageNum=${n}&itemsPerPage=${itemsPerPage}`;
  const links = [];
  if (pageNum > 1) links.push({ href: href(pageNum - 1), rel: "previous" });
  links.push({ href: href(pageNum), rel: "self" });
  if (start + itemsPerPage < items.length) links.push({ href: href(pageNum + 1), rel: "next" });
  const out: Record<string, unknown> = { links, results: page.map(view) };
  if (includeCount) out.totalCount = items.length;
  return out;
}
