/**
 * Process-wide state, the one way this package keeps it. Pulumi serializes a dynamic provider's
 * closure into each resource's `__provider`: a module-level variable the closure reaches would
 * be copied into the state (values included) and re-created per resource. A slot on
 * `globalThis` under a registered symbol is neither: every resource of one provider process
 * finds the same value, and nothing of it is serialized. CONTRIBUTING.md ("Closure
 * serialization") lists the other rules that follow from the same cause.
 */
export function processSlot<T>(name: string, init: () => T): T {
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  const key = Symbol.for(`pulumi-atlas-stream-processor/${name}`);
  return (g[key] ??= init());
}
