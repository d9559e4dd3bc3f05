/**
 * The names and credentials of the emulator's default seed (emulator/seeds/default.json), once
 * for every suite; their home is scripts/lib/seed.ts, which the scripts share.
 */
export { ALL_SECRETS, API_KEY, PROJECT, READONLY_KEY, SERVICE_ACCOUNT, WORKSPACE } from "../../scripts/lib/seed";
