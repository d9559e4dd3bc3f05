/** Waits `ms` milliseconds; the default for every wait that tests may replace with a fake. */
export const defaultSleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));
