/**
 * JSON with its order kept: every object's keys in the order written (integer-like keys such as
 * "10" and "2" included, which a JavaScript object would move to the front in ascending order) and
 * every number as written (`1.0` stays `1.0`). A stream processor's pipeline is a list of MongoDB
 * documents, and documents are ordered: `{$sort: {zeta: 1, alpha: -1}}` is another sort than
 * `{$sort: {alpha: -1, zeta: 1}}` (https://www.mongodb.com/docs/manual/core/document/#document-field-order).
 *
 * Pure: parse, build from JavaScript values, print, compare. No I/O.
 */
/** A number with the text it was written as (parse) or printed as (from a JavaScript number). */
export class JsonNumber {
  constructor(readonly text: string) {}
  get value(): number {
    return Number(this.text);
  }
}

/** A JSON value: objects are Maps (insertion order is kept for every key), numbers keep their text. */
export type Json = null | boolean | string | JsonNumber | Json[] | JsonObject;
export type JsonObject = Map<string, Json>;

export const isJsonObject = (v: unknown): v is JsonObject => v instanceof Map;

/** A JSON text that does not parse; `offset`, `line` and `column` (1-based) say where. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column} (character ${offset + 1})`);
    this.name = "JsonSyntaxError";
  }
}

const WS = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Parses RFC 8259 JSON, keeping key order and number text. A key given twice is an error (which one would Atlas keep?). */
export function parseJson(text: string): Json {
  let at = 0;
  const fail = (reason: string, where = at): never => {
    const before = text.slice(0, where);
    const line = before.split("\n").length;
    const column = where - before.lastIndexOf("\n");
    throw new JsonSyntaxError(reason, where, line, column);
  };
  const describeHere = (): string => (at >= text.length ? "the text ends" : `unexpected ${JSON.stringify(text[at])}`);
  const skip = (): void => {
    WS.lastIndex = at;
    WS.exec(text);
    at = WS.lastIndex;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    at = re.lastIndex;
    return m[0];
  };
  const value = (depth: number): Json => {
    if (depth > 512) fail("nesting deeper than 512 levels");
    skip();
    const c = text[at];
    if (c === "{") {
      at++;
      const out: JsonObject = new Map();
      skip();
      if (text[at] === "}") {
        at++;
        return out;
      }
      for (;;) {
        skip();
        const keyAt = at;
        const raw = match(STRING);
        if (raw === undefined) fail(`${describeHere()} where a key in double quotes was expected`);
        const key = JSON.parse(raw as string) as string;
        if (out.has(key)) fail(`the key ${JSON.stringify(key)} appears twice in one object`, keyAt);
        skip();
        if (text[at] !== ":") fail(`${describeHere()} where ":" was expected after the key ${raw}`);
        at++;
        out.set(key, value(depth + 1));
        skip();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "}") {
          at++;
          return out;
        }
        fail(`${describeHere()} where "," or "}" was expected`);
      }
    }
    if (c === "[") {
      at++;
      const out: Json[] = [];
      skip();
      if (text[at] === "]") {
        at++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        skip();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "]") {
          at++;
          return out;
        }
        fail(`${describeHere()} where "," or "]" was expected`);
      }
    }
    if (c === '"') {
      const raw = match(STRING);
      if (raw === undefined) fail("a string that is not closed or holds a bad escape or a raw control character");
      return JSON.parse(raw as string) as string;
    }
    const num = match(NUMBER);
    if (num !== undefined) return new JsonNumber(num);
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return v;
      }
    }
    return fail(`${describeHere()} where a value was expected`);
  };
  const out = value(0);
  skip();
  if (at < text.length) fail(`${describeHere()} after the end of the value`);
  return out;
}

/** The key order a parsed HTTP body's object had on the wire, when JavaScript's own order differs (see toPlain). */
const keyOrderSymbol = (): symbol => Symbol.for("pulumi-atlas-stream-processor/key-order");

/** A value that cannot be written as JSON, with where it sits (`pipeline[1].$match.at`). */
export class JsonValueError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} ${reason}`);
    this.name = "JsonValueError";
  }
}

/**
 * Builds Json from a JavaScript value, keeping its key order. Follows JSON.stringify (toJSON,
 * object properties holding undefined are left out) except where that would change the data
 * silently: NaN, Infinity, a function, a symbol or undefined in an array are errors naming the
 * path. A bigint becomes an exact integer. Json values pass through unchanged.
 */
export function fromValue(value: unknown, path = "value"): Json {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (value instanceof JsonNumber) return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new JsonValueError(path, `is ${String(value)}, which JSON cannot hold: use a finite number.`);
    return new JsonNumber(JSON.stringify(value));
  }
  if (typeof value === "bigint") return new JsonNumber(value.toString());
  if (isJsonObject(value)) {
    const out: JsonObject = new Map();
    for (const [k, v] of value) out.set(k, fromValue(v, `${path}.${k}`));
    return out;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      if (v === undefined) throw new JsonValueError(`${path}[${i}]`, "is undefined: an array item needs a value (use null).");
      return fromValue(v, `${path}[${i}]`);
    });
  }
  if (typeof value === "object") {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === "function") return fromValue(withJson.toJSON(), path);
    const obj = value as Record<string | symbol, unknown>;
    const wire = obj[keyOrderSymbol()];
    const keys = Array.isArray(wire) ? (wire as string[]) : Object.keys(obj);
    const out: JsonObject = new Map();
    for (const k of keys) {
      const v = obj[k];
      if (v === undefined) continue;
      out.set(k, fromValue(v, `${path}.${k}`));
    }
    return out;
  }
  if (value === undefined) throw new JsonValueError(path, "is undefined.");
  throw new JsonValueError(path, `is a ${typeof value}, which JSON cannot hold.`);
}

/** Compact JSON text, in the order kept. */
export function stringifyJson(v: Json): string {
  if (v === null || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(stringifyJson).join(",")}]`;
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${JSON.stringify(k)}:${stringifyJson(x)}`);
  return `{${parts.join(",")}}`;
}

/**
 * Plain JavaScript values (objects, numbers). An object whose keys JavaScript would reorder
 * (integer-like keys) carries the written order under a non-enumerable symbol, which fromValue
 * reads back: so a body parsed here and compared later keeps the order it had on the wire.
 */
export function toPlain(v: Json): unknown {
  if (v === null || typeof v !== "object") return v;
  if (v instanceof JsonNumber) return v.value;
  if (Array.isArray(v)) return v.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of v) out[k] = toPlain(x);
  const keys = [...v.keys()];
  const js = Object.keys(out);
  if (js.some((k, i) => keys[i] !== k)) Object.defineProperty(out, keyOrderSymbol(), { value: keys, enumerable: false });
  return out;
}

/** Integer-like object keys are the only ones JSON.parse moves; only such a body needs the slower parse. */
const INTEGER_KEY = /"(?:0|[1-9]\d*)"\s*:/;

/** JSON.parse, except that a text with integer-like keys keeps its key order (see toPlain). Throws SyntaxError like JSON.parse. */
export function parseToPlain(text: string): unknown {
  const plain = JSON.parse(text) as unknown;
  return INTEGER_KEY.test(text) ? toPlain(parseJson(text)) : plain;
}

const NUMBER_WRAPPERS = ["$numberInt", "$numberLong", "$numberDouble", "$numberDecimal"];

/** The value of a number, or of a canonical Extended JSON number ({"$numberLong": "10"}); undefined otherwise. */
export function numberOf(v: Json | undefined): number | undefined {
  if (v instanceof JsonNumber) return v.value;
  if (isJsonObject(v) && v.size === 1) {
    const [[key, text]] = [...v] as [[string, Json]];
    if (NUMBER_WRAPPERS.includes(key) && typeof text === "string") {
      const n = Number(text);
      return Number.isNaN(n) ? undefined : n;
    }
  }
  return undefined;
}

function sameScalar(a: Json | undefined, b: Json | undefined): boolean {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined || nb !== undefined) return na === nb;
  return a === b;
}

/** Deep equality with key order significant at every depth; numbers by value (1, 1.0 and {"$numberInt": "1"} are equal). */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (numberOf(a) !== undefined || numberOf(b) !== undefined) return sameScalar(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    if (a.size !== b.size) return false;
    const kb = [...b.keys()];
    return [...a].every(([k, v], i) => kb[i] === k && sameJson(v, b.get(k)));
  }
  return a === b;
}

/**
 * Whether `atlas` (Atlas's copy) carries everything in `applied` (what was sent), allowing keys
 * Atlas adds; the sent keys must keep their relative order. Tells "Atlas decorated it" from
 * "someone edited it".
 */
export function coversJson(atlas: Json | undefined, applied: Json | undefined): boolean {
  if (numberOf(atlas) !== undefined || numberOf(applied) !== undefined) return sameScalar(atlas, applied);
  if (Array.isArray(applied) || Array.isArray(atlas)) {
    if (!Array.isArray(applied) || !Array.isArray(atlas) || applied.length !== atlas.length) return false;
    return applied.every((x, i) => coversJson(atlas[i], x));
  }
  if (isJsonObject(applied) && isJsonObject(atlas)) {
    const keys = [...applied.keys()];
    const atlasKeys = [...atlas.keys()].filter((k) => applied.has(k));
    if (atlasKeys.length !== keys.length || atlasKeys.some((k, i) => keys[i] !== k)) return false;
    return keys.every((k) => coversJson(atlas.get(k), applied.get(k)));
  }
  return atlas === applied;
}
