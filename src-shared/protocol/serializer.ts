import { CHECKSUM_SIZE, Flag, HEADER_SIZE, LENGTH_SIZE, VERSION_BYTE } from './constants.js';
import { crc32 } from './crc32.js';
import type { Frame, FrameHeader } from './frame.js';

export function flagsOf(header: FrameHeader, hasPayload: boolean): number {
  let flags = 0;
  if (header.ack) flags |= Flag.ACK;
  if (header.encrypted) flags |= Flag.ENCRYPTED;
  if (hasPayload) {
    flags |= Flag.EXT;
    if (header.checksum) flags |= Flag.CHECKSUM;
  }
  return flags;
}

/** Bytes a frame with this payload length takes on the wire. */
export function encodedSize(payloadLength: number | null, checksum: boolean): number {
  if (payloadLength === null) return HEADER_SIZE;
  return HEADER_SIZE + LENGTH_SIZE + payloadLength + (checksum ? CHECKSUM_SIZE : 0);
}

/**
 * Writes the header (and, for a frame with payload, the length field) at `offset`.
 * The payload itself must follow at offset + payloadOffset(header); a checksum, if asked for, is written by
 * `sealChecksum` once the payload is in place. Lets a sender fill PCM straight into the frame's buffer.
 */
export function writeFrameHead(out: Uint8Array, offset: number, header: FrameHeader, payloadLength: number | null): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const hasPayload = payloadLength !== null;
  out[offset] = VERSION_BYTE;
  out[offset + 1] = header.type;
  out[offset + 2] = header.func;
  out[offset + 3] = flagsOf(header, hasPayload);
  view.setUint16(offset + 4, header.uid);
  view.setUint16(offset + 6, header.did);
  if (!hasPayload) return offset + HEADER_SIZE;
  const wireLength = payloadLength + (header.checksum ? CHECKSUM_SIZE : 0);
  view.setUint32(offset + HEADER_SIZE, wireLength);
  return offset + HEADER_SIZE + LENGTH_SIZE;
}

/** Appends the CRC-32 of the payload [start, end) at `end`. */
export function sealChecksum(out: Uint8Array, start: number, end: number): void {
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(end, crc32(out, start, end));
}

export function encodeFrame(f: Frame): Uint8Array {
  const length = f.payload === null ? null : f.payload.length;
  const out = new Uint8Array(encodedSize(length, f.checksum));
  const start = writeFrameHead(out, 0, f, length);
  if (f.payload !== null) {
    out.set(f.payload, start);
    if (f.checksum) sealChecksum(out, start, start + f.payload.length);
  }
  return out;
}
