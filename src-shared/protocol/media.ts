import { AtpError } from './errors.js';
import { MAX_WINDOW } from './payloads.js';

/** DATA payload: u32 epoch, u64 index of the first sample frame, then interleaved PCM. */
export const DATA_HEADER_SIZE = 12;

export interface DataChunk {
  epoch: number;
  firstFrame: number;
  /** Interleaved PCM in the stream's sample format; a view into the frame's payload. */
  pcm: Uint8Array;
}

export function writeDataHeader(out: Uint8Array, offset: number, epoch: number, firstFrame: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(offset, epoch);
  view.setUint32(offset + 4, Math.floor(firstFrame / 2 ** 32));
  view.setUint32(offset + 8, firstFrame >>> 0);
}

export function encodeData(epoch: number, firstFrame: number, pcm: Uint8Array): Uint8Array {
  const out = new Uint8Array(DATA_HEADER_SIZE + pcm.length);
  writeDataHeader(out, 0, epoch, firstFrame);
  out.set(pcm, DATA_HEADER_SIZE);
  return out;
}

export function parseData(payload: Uint8Array | null): DataChunk {
  if (payload === null || payload.length < DATA_HEADER_SIZE) {
    throw new AtpError('bad-payload', `DATA payload must hold at least ${DATA_HEADER_SIZE} bytes`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return {
    epoch: view.getUint32(0),
    firstFrame: view.getUint32(4) * 2 ** 32 + view.getUint32(8),
    pcm: payload.subarray(DATA_HEADER_SIZE),
  };
}

/** CREDIT payload: u32 bytes of PCM added to the stream's window. */
export function encodeCredit(bytes: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, bytes);
  return out;
}

export function parseCredit(payload: Uint8Array | null): number {
  if (payload === null || payload.length !== 4) throw new AtpError('bad-payload', 'CREDIT payload is a u32 byte count');
  const bytes = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
  if (bytes > MAX_WINDOW) throw new AtpError('bad-payload', `CREDIT of ${bytes} bytes exceeds ${MAX_WINDOW}`);
  return bytes;
}

/** ARTWORK reply payload: u8 length of the MIME type, the MIME type in ASCII, then the image bytes. */
export function encodeArtwork(mime: string, image: Uint8Array): Uint8Array {
  // Cut bytes, not characters: a non-ASCII MIME (it comes from tag data) must not overflow the u8 length.
  const mimeBytes = new TextEncoder().encode(mime).subarray(0, 255);
  const out = new Uint8Array(1 + mimeBytes.length + image.length);
  out[0] = mimeBytes.length;
  out.set(mimeBytes, 1);
  out.set(image, 1 + mimeBytes.length);
  return out;
}

export function parseArtwork(payload: Uint8Array | null): { mime: string; image: Uint8Array } {
  if (payload === null || payload.length < 1 || payload.length < 1 + payload[0]!) {
    throw new AtpError('bad-payload', 'ARTWORK payload is truncated');
  }
  const mimeLength = payload[0]!;
  return {
    mime: new TextDecoder().decode(payload.subarray(1, 1 + mimeLength)),
    image: payload.subarray(1 + mimeLength),
  };
}
