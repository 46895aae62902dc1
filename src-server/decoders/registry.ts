import { open } from 'node:fs/promises';
import { DecodeError, type Decoder, type PcmSource } from './pcm-source.js';
import { wavDecoder } from './wav.js';

/** Decoders in the order they are asked; the first whose sniff() accepts the file's head bytes opens it. */
const DECODERS: readonly Decoder[] = [wavDecoder];

export const SNIFF_BYTES = 64;

export async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export function decoderFor(head: Uint8Array): Decoder | null {
  return DECODERS.find((d) => d.sniff(head)) ?? null;
}

/** Opens a file for streaming decode, choosing the decoder by content, not by extension. */
export async function openPcmSource(path: string): Promise<PcmSource> {
  const decoder = decoderFor(await readHead(path));
  if (!decoder) throw new DecodeError('unsupported-format', 'no decoder recognises this file');
  return decoder.open(path);
}
