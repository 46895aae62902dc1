/**
 * FLAC frames read out of a file: a seek bisects the file by byte offset on the frame headers' own sample numbers
 * (about 20 small reads, whatever the file's length), and frames are split at the next header whose CRC-8 holds and
 * whose sample number follows. The decoding source and the server's `original` streams read frames through this.
 */
import type { FileHandle } from 'node:fs/promises';
import { findFrame, parseFrameHeader, type FlacFrameHeader, type StreamInfo } from './flac-frames.js';
import { DecodeError } from './pcm-source.js';

/** Bytes read at once; also the span below which a seek stops bisecting and walks frame headers. */
const WINDOW = 128 * 1024;
/** A frame header is at most 16 bytes. */
const HEADER_BYTES = 16;
/** A frame larger than this is corruption, not audio (the largest legal frames are far smaller in practice). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export class FlacFrameReader {
  private buf = new Uint8Array(WINDOW);
  private bufStart = 0;
  private bufLen = 0;
  /** Offset of the next frame. */
  private pos: number;

  constructor(
    private readonly fh: FileHandle,
    private readonly info: StreamInfo,
    private readonly size: number,
  ) {
    this.pos = info.audioStart;
  }

  /** Makes [at, at + length) readable in the buffer and returns its index there (or less data at the file's end). */
  private async fill(at: number, length: number): Promise<number> {
    if (at >= this.bufStart && at + length <= this.bufStart + this.bufLen) return at - this.bufStart;
    if (length > this.buf.length) this.buf = new Uint8Array(Math.min(MAX_FRAME_BYTES, length));
    this.bufStart = at;
    this.bufLen = (await this.fh.read(this.buf, 0, this.buf.length, at)).bytesRead;
    return 0;
  }

  /** Positions the reader on the frame that holds sample `frame` (or the last before it), by bisection. */
  async restartAt(frame: number): Promise<void> {
    let lo = this.info.audioStart;
    let hi = this.size;
    while (hi - lo > WINDOW) {
      const mid = Math.floor((lo + hi) / 2);
      const i = await this.fill(mid, WINDOW);
      const found = findFrame(this.buf, i, Math.min(this.bufLen, hi - this.bufStart), this.info);
      if (found < 0) {
        hi = mid;
        continue;
      }
      const h = parseFrameHeader(this.buf, found, this.info)!;
      if (h.sample <= frame) lo = this.bufStart + found;
      else hi = mid;
    }
    this.pos = lo;
    this.bufLen = 0;
  }

  /** The frame at `pos` (resynchronising over garbage) with its bytes, up to the next header that follows it. */
  async nextFrame(): Promise<{ header: FlacFrameHeader; bytes: Uint8Array } | null> {
    // Only a header's worth must be in the buffer to start: asking for a whole window ahead of every frame made
    // each frame read the file again.
    let i = await this.fill(this.pos, HEADER_BYTES);
    for (;;) {
      const start = findFrame(this.buf, i, this.bufLen, this.info);
      if (start === i) break;
      if (start < 0 && this.bufStart + this.bufLen >= this.size) return null;
      // Garbage before the next header: go on from it, or from the buffer's end less a header that may straddle it.
      this.pos = start >= 0 ? this.bufStart + start : Math.max(this.pos + 1, this.bufStart + this.bufLen - HEADER_BYTES);
      this.bufLen = start >= 0 ? this.bufLen : 0;
      i = await this.fill(this.pos, HEADER_BYTES);
    }
    const header = parseFrameHeader(this.buf, i, this.info)!;
    let want = WINDOW;
    for (;;) {
      let end = -1;
      // indexOf (memchr) finds the candidate sync bytes; a JS loop over every byte of the frame cost a tenth of
      // the decoding time.
      for (let j = this.buf.indexOf(0xff, i + 8); j >= 0 && j < this.bufLen; j = this.buf.indexOf(0xff, j + 1)) {
        const next = parseFrameHeader(this.buf, j, this.info);
        if (next && next.sample === header.sample + header.blockSize) {
          end = j;
          break;
        }
      }
      const atEof = this.bufStart + this.bufLen >= this.size;
      if (end < 0 && atEof) end = this.bufLen;
      if (end >= 0) {
        this.pos = this.bufStart + end;
        // A view, not a copy: the decoder copies it into its own memory before the buffer is read into again.
        return { header, bytes: this.buf.subarray(i, end) };
      }
      // The frame runs past the buffer: read again from its start, a window first, then twice as much each time.
      if (this.bufStart === this.pos) {
        if (want >= MAX_FRAME_BYTES) throw new DecodeError('decode-failed', 'FLAC frame too large or corrupt');
        want *= 2;
      }
      this.bufLen = 0;
      i = await this.fill(this.pos, want);
    }
  }
}
