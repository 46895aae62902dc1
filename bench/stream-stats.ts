// The figures bench/streams.ts prints, apart from the measuring, so that their arithmetic can be tested.

export interface ListenerResult {
  /** Milliseconds from PLAY to the first DATA; null when no DATA ever came. */
  firstDataMs: number | null;
  /** Whether playback began (enough audio arrived to start the clock). */
  started: boolean;
  /** Ticks of the playback clock that found too little audio, counted once playback began. */
  underruns: number;
  /** Why the listener could not run at all (connect, login or SETUP failed). */
  error?: string;
}

/** The p-th percentile (nearest rank) of the samples, or null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  const finite = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  return finite[Math.min(finite.length - 1, Math.floor((p / 100) * finite.length))]!;
}

/** A percentile as printed: milliseconds with two decimals, or "n/a" when there was nothing to measure. */
export function formatMs(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)} ms`;
}

export interface ListenersSummary {
  listeners: number;
  /** Listeners that never began playing: no DATA, too little of it, or an error before PLAY. A failure each. */
  neverStarted: number;
  /** Listeners that began playing and never ran dry. */
  withoutUnderrun: number;
  underrunTicks: number;
  firstDataP50: number | null;
  firstDataP99: number | null;
  /** The first error a listener met, for the report. */
  firstError: string | null;
}

export function summarizeListeners(results: readonly ListenerResult[]): ListenersSummary {
  const first = results.flatMap((r) => (r.firstDataMs === null ? [] : [r.firstDataMs]));
  return {
    listeners: results.length,
    neverStarted: results.filter((r) => !r.started).length,
    withoutUnderrun: results.filter((r) => r.started && r.underruns === 0).length,
    underrunTicks: results.reduce((a, r) => a + r.underruns, 0),
    firstDataP50: percentile(first, 50),
    firstDataP99: percentile(first, 99),
    firstError: results.find((r) => r.error !== undefined)?.error ?? null,
  };
}
