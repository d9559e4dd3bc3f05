/**
 * `value` typed as whatever the call expects. Only for tests that send, on purpose, what the
 * type forbids (a bad state, an unknown key, a wrong shape) to prove the runtime refuses it.
 */
export function unchecked<T = never>(value: unknown): T {
  return value as T;
}
