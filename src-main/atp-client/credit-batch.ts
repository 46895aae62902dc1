/**
 * Credit returned in steps rather than as it is consumed. The server holds DATA back until the free part of the
 * window reaches its low-water mark (PROTOCOL.md §8.3: the reference server's is 256 KiB or half the PLAY's window,
 * whichever is less), so a CREDIT smaller than that mark only costs a frame to send and one to read: crediting in
 * steps of the mark is as good, and far cheaper than a CREDIT for each report of the player (§8.3: "in batches").
 * It never leaves the server waiting on credit the client holds: what is held is less than half the window, so
 * more than half stays open to the server, which is at least its mark. A holder that has consumed all it was sent
 * flushes what it holds (§8.3), so nothing stays behind at the end of a track.
 */

/** The reference server's low-water mark at its largest (PROTOCOL.md §8.3). */
export const LOW_WATER_BYTES = 262144;

/**
 * The credit step for a PLAY's window: the reference server's low-water mark for it, 256 KiB or half the window,
 * whichever is less, in whole units (sample frames of PCM; 1 for coded bytes).
 */
export function creditStep(window: number, unit = 1): number {
  const step = Math.min(LOW_WATER_BYTES, Math.floor(window / 2));
  return Math.max(unit, step - (step % unit));
}

export class CreditBatch {
  private pending = 0;

  constructor(
    private readonly send: (bytes: number) => void,
    private step: number,
  ) {}

  /** Counts `bytes` as consumed; sends what is held once it reaches a step. */
  add(bytes: number): void {
    this.pending += bytes;
    if (this.pending >= this.step) this.flush();
  }

  flush(): void {
    if (this.pending <= 0) return;
    const bytes = this.pending;
    this.pending = 0;
    this.send(bytes);
  }

  /** Forgets what is held: the window was reset (a seek), or the stream it was for is gone. */
  reset(step = this.step): void {
    this.pending = 0;
    this.step = step;
  }
}
