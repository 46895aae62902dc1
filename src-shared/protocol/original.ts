/**
 * The `original` encoding's DATA: after the 12-byte DATA header (epoch, position) come the file's own coded units,
 * each a u32 length and its bytes; a WAV file's PCM comes bare, whole sample frames in the file's own format. The
 * window counts these bytes, length prefixes included. docs/PROTOCOL.md §8.10 is the normative text.
 */
import { AtpError } from './errors.js';
import { DATA_HEADER_SIZE, parseData, writeDataHeader } from './media.js';

export const UNIT_LENGTH_SIZE = 4;

/** Position field of an Ogg stream's DATA: place the first page's samples to end at its granule (after a seek). */
export const OGG_PLACE_BY_GRANULE = 1;

export interface OriginalChunk {
  epoch: number;
  /** The DATA header's u64: its meaning depends on the codec (§8.10). */
  position: number;
  /** The coded units, views into the frame's payload; for codec `pcm`, one unit holding the whole PCM. */
  units: Uint8Array[];
  /** Bytes the window counts for this DATA: everything after the DATA header. */
  windowBytes: number;
}

/** Bytes the units take on the wire, length prefixes included. */
export function unitsSize(units: readonly Uint8Array[]): number {
  let n = 0;
  for (const u of units) n += UNIT_LENGTH_SIZE + u.length;
  return n;
}

/** Writes units with their length prefixes into `out` from `offset`; returns the offset after them. */
export function writeUnits(out: Uint8Array, offset: number, units: readonly Uint8Array[]): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = offset;
  for (const u of units) {
    view.setUint32(at, u.length);
    out.set(u, at + UNIT_LENGTH_SIZE);
    at += UNIT_LENGTH_SIZE + u.length;
  }
  return at;
}

/** A DATA payload of length-prefixed units. */
export function encodeOriginalData(epoch: number, position: number, units: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(DATA_HEADER_SIZE + unitsSize(units));
  writeDataHeader(out, 0, epoch, position);
  writeUnits(out, DATA_HEADER_SIZE, units);
  return out;
}

/** Reads a DATA payload of an `original` stream; `bare` for codec pcm, whose bytes carry no length prefixes. */
export function parseOriginalData(payload: Uint8Array | null, bare: boolean): OriginalChunk {
  const { epoch, firstFrame, pcm: body } = parseData(payload);
  return { epoch, position: firstFrame, units: readUnits(body, bare), windowBytes: body.length };
}

/** The units of the bytes after a DATA header. */
export function readUnits(body: Uint8Array, bare: boolean): Uint8Array[] {
  if (bare) return [body];
  const units: Uint8Array[] = [];
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let at = 0; at < body.length; ) {
    if (at + UNIT_LENGTH_SIZE > body.length) throw new AtpError('bad-payload', 'DATA unit length cut short');
    const length = view.getUint32(at);
    const start = at + UNIT_LENGTH_SIZE;
    if (length === 0 || start + length > body.length) throw new AtpError('bad-payload', `DATA unit of ${length} bytes does not fit its payload`);
    units.push(body.subarray(start, start + length));
    at = start + length;
  }
  return units;
}

/** Base64 for codec setup data in JSON, without Node's Buffer (this module also runs in the browser). */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new AtpError('bad-payload', 'codec setup data is not base64');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
