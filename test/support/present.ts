import { assert } from "chai";

/** `list[index]`, asserted present: a missing item fails the test by name instead of as a TypeError. */
export function nth<T>(list: readonly T[], index: number, what = `item ${index}`): T {
  const item = list[index];
  assert.exists(item, `${what} is present`);
  return item;
}
