import {
  CHECKSUM_SIZE,
  DEFAULT_MAX_PAYLOAD,
  Flag,
  HEADER_SIZE,
  LENGTH_SIZE,
  MAGIC,
  RESERVED_FLAGS,
  VERSION,
} from './constants.js';
import { crc32 } from './crc32.js';
import type { Frame, FrameHeader } from './frame.js';

export type FramingErrorCode =
  | 'bad-magic'
  | 'bad-version'
  | 'reserved-flags'
  | 'checksum-without-payload'
  | 'bad-length'
  | 'payload-too-large'
  | 'checksum-mismatch';

export interface FramingError {
  code: FramingErrorCode;
  message: string;
}

/**
 * What the decoder hands on for each unit of input:
 * - frame: a whole, valid frame;
 * - refused: a frame whose boundaries are known but which cannot be accepted (too large, bad checksum);
 *   its bytes were consumed and the stream goes on;
 * - fatal: the stream cannot be framed any longer; the decoder ignores all further input.
 */
export type DecodeEvent =
  | { kind: 'frame'; frame: Frame }
  | { kind: 'refused'; header: FrameHeader; error: FramingError }
  | { kind: 'fatal'; error: FramingError };

export interface FrameDecoderOptions {
  /** Largest payload accepted, in bytes (the checksum not counted). Larger frames are skipped and refused. */
  maxPayload?: number;
}

/**
 * Incremental ATP frame decoder: bytes in, whole frames out. Keeps the unread tail of the stream between
 * chunks, so a frame may be split at any byte and many frames may share one chunk. Never throws on input.
 */
export class FrameDecoder {
  private readonly maxPayload: number;
  private buffer = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private skipRemaining = 0;
  private failed: FramingError | null = null;
  private stopped = false;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  }

  /** Bytes held for a frame not yet complete. Non-zero at end of stream means a truncated frame. */
  get pendingBytes(): number {
    return this.end - this.start + this.skipRemaining;
  }

  get fatalError(): FramingError | null {
    return this.failed;
  }

  /**
   * Reads nothing more: the rest of the chunk being read and everything pushed later are dropped, unread. Called
   * from an emit (the frame that ends the clear-text stream, CONTROL/ENCRYPT) it takes effect after that frame.
   */
  stop(): void {
    this.stopped = true;
    this.buffer = new Uint8Array(0);
    this.start = this.end = this.skipRemaining = 0;
  }

  push(chunk: Uint8Array, emit: (event: DecodeEvent) => void): void {
    if (this.failed || this.stopped) return;
    let data: Uint8Array;
    let pos: number;
    let end: number;
    if (this.start === this.end) {
      // Nothing buffered: read frames straight from the caller's chunk and copy only the leftover.
      data = chunk;
      pos = 0;
      end = chunk.length;
    } else {
      this.append(chunk);
      data = this.buffer;
      pos = this.start;
      end = this.end;
    }
    const borrowed = data === chunk;

    while (pos < end) {
      if (this.skipRemaining > 0) {
        const n = Math.min(this.skipRemaining, end - pos);
        this.skipRemaining -= n;
        pos += n;
        continue;
      }
      if (end - pos < HEADER_SIZE) break;
      const header = readHeader(data, pos);
      const flags = data[pos + 3]!;
      const headerError = checkHeader(data[pos]!, flags);
      if (headerError) {
        this.fail(headerError, emit);
        return;
      }
      if ((flags & Flag.EXT) === 0) {
        emit({ kind: 'frame', frame: { ...header, payload: null } });
        if (this.stopped) return;
        pos += HEADER_SIZE;
        continue;
      }
      if (end - pos < HEADER_SIZE + LENGTH_SIZE) break;
      const wireLength = readU32(data, pos + HEADER_SIZE);
      const checksumSize = header.checksum ? CHECKSUM_SIZE : 0;
      if (wireLength < checksumSize) {
        this.fail({ code: 'bad-length', message: `payload length ${wireLength} is shorter than its checksum` }, emit);
        return;
      }
      const payloadLength = wireLength - checksumSize;
      if (payloadLength > this.maxPayload) {
        emit({
          kind: 'refused',
          header,
          error: {
            code: 'payload-too-large',
            message: `payload of ${payloadLength} bytes exceeds the limit of ${this.maxPayload}`,
          },
        });
        pos += HEADER_SIZE + LENGTH_SIZE;
        this.skipRemaining = wireLength;
        continue;
      }
      const total = HEADER_SIZE + LENGTH_SIZE + wireLength;
      if (end - pos < total) break;
      const payloadStart = pos + HEADER_SIZE + LENGTH_SIZE;
      const payloadEnd = payloadStart + payloadLength;
      pos += total;
      if (header.checksum && crc32(data, payloadStart, payloadEnd) !== readU32(data, payloadEnd)) {
        emit({ kind: 'refused', header, error: { code: 'checksum-mismatch', message: 'payload CRC-32 does not match' } });
        if (this.stopped) return;
        continue;
      }
      // The caller's chunk is never reused by us, so a view is safe; our own buffer is, so copy out of it.
      const payload = borrowed ? data.subarray(payloadStart, payloadEnd) : data.slice(payloadStart, payloadEnd);
      emit({ kind: 'frame', frame: { ...header, payload } });
      if (this.stopped) return;
    }
    this.keep(data, pos, end, borrowed);
  }

  private fail(error: FramingError, emit: (event: DecodeEvent) => void): void {
    this.failed = error;
    this.buffer = new Uint8Array(0);
    this.start = this.end = 0;
    emit({ kind: 'fatal', error });
  }

  private append(chunk: Uint8Array): void {
    const held = this.end - this.start;
    if (this.end + chunk.length > this.buffer.length) {
      const needed = held + chunk.length;
      if (needed > this.buffer.length) {
        const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2, 4096));
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      } else {
        this.buffer.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = held;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  private keep(data: Uint8Array, pos: number, end: number, borrowed: boolean): void {
    if (borrowed) {
      this.start = this.end = 0;
      if (pos < end) this.append(data.subarray(pos, end));
      return;
    }
    this.start = pos;
    if (this.start === this.end) this.start = this.end = 0;
    // Release a buffer grown for one large frame once it has been consumed.
    if (this.start === 0 && this.end === 0 && this.buffer.length > 256 * 1024) this.buffer = new Uint8Array(0);
  }
}

function checkHeader(versionByte: number, flags: number): FramingError | null {
  if (versionByte >> 4 !== MAGIC) {
    return { code: 'bad-magic', message: `byte 0 is 0x${hex(versionByte)}; an ATP frame starts with 0x6_` };
  }
  if ((versionByte & 0x0f) !== VERSION) {
    return { code: 'bad-version', message: `ATP version ${versionByte & 0x0f} is not spoken here (version ${VERSION})` };
  }
  if (flags & RESERVED_FLAGS) {
    return { code: 'reserved-flags', message: `reserved flag bits set: 0x${hex(flags)}` };
  }
  if (flags & Flag.CHECKSUM && !(flags & Flag.EXT)) {
    return { code: 'checksum-without-payload', message: 'CHECKSUM flag set on a frame without payload (EXT)' };
  }
  return null;
}

function readHeader(data: Uint8Array, pos: number): FrameHeader {
  const flags = data[pos + 3]!;
  return {
    type: data[pos + 1]!,
    func: data[pos + 2]!,
    ack: (flags & Flag.ACK) !== 0,
    encrypted: (flags & Flag.ENCRYPTED) !== 0,
    checksum: (flags & Flag.CHECKSUM) !== 0,
    uid: (data[pos + 4]! << 8) | data[pos + 5]!,
    did: (data[pos + 6]! << 8) | data[pos + 7]!,
  };
}

function readU32(data: Uint8Array, pos: number): number {
  return ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) >>> 0;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
