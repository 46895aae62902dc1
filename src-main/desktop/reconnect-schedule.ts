/**
 * How long to wait before each reconnect attempt: quick at first (a server restarting is back within a second),
 * then backing off to spare a server that is down for longer, with jitter so many clients do not return in step.
 */
export const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000, 15000] as const;

export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!;
  return Math.round(base * (0.8 + 0.4 * random()));
}
