/**
 * The names and credentials of the emulator's default seed (emulator/seeds/default.json), once
 * for the scripts, the benchmark and every test suite (test/support/seed.ts re-exports them).
 */
export const PROJECT = "6650f1a2b3c4d5e6f7a8b9c0";
export const WORKSPACE = "demo-workspace";
export const API_KEY = { publicKey: "demo-public-key", privateKey: "demo-private-key" };
export const READONLY_KEY = { publicKey: "readonly-public-key", privateKey: "readonly-private-key" };
export const SERVICE_ACCOUNT = { clientId: "mdb_sa_id_demo", clientSecret: "mdb_sa_sk_demo" };
/** Every secret the seed holds: none may ever appear in output, state or snapshots. */
export const ALL_SECRETS = [API_KEY.privateKey, READONLY_KEY.privateKey, SERVICE_ACCOUNT.clientSecret];
