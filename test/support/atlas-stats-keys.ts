/**
 * The keys of the `stats` a real Atlas processor GET carries, in Atlas's order: the emulator must
 * answer them and getStreamProcessor must return them. Written out here, apart from
 * provider/atlas/stats.ts, so the tests check the provider against Atlas rather than against itself.
 */
export const ATLAS_STATS_KEYS = [
  "name",
  "processorId",
  "status",
  "scaleFactor",
  "inputMessageCount",
  "inputMessageSize",
  "outputMessageCount",
  "outputMessageSize",
  "dlqMessageCount",
  "dlqMessageSize",
  "stateSize",
  "memoryTrackerBytes",
  "ok",
  "changeStreamState",
  "operatorStats",
];
