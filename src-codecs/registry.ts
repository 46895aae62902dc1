import { open } from 'node:fs/promises';
import { ffmpegDecoder, hasFfmpeg } from './ffmpeg.js';
import { flacDecoder } from './flac.js';
import { mp3Decoder } from './mp3.js';
import { id3v2Size } from './mpeg-frames.js';
import { opusDecoder, vorbisDecoder } from './ogg.js';
import { DecodeError, type Decoder, type PcmSource } from './pcm-source.js';
import { wavDecoder } from './wav.js';

/**
 * Decoders in the order they are asked; the first whose sniff() accepts the file's head bytes opens it. MP3 comes
 * after the formats with a magic number because a frame sync is only two bytes; ffmpeg last, for what remains.
 */
const DECODERS: readonly Decoder[] = [wavDecoder, flacDecoder, vorbisDecoder, opusDecoder, mp3Decoder, ffmpegDecoder];

export const SNIFF_BYTES = 64;

/**
 * The first bytes of a file's content, after any ID3v2 tag (MP3s carry one, and so do some FLAC and AAC files),
 * so that formats are told apart by what they are, not by their extension or their tags.
 */
export async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    let at = 0;
    let { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
    for (let tags = 0; tags < 4; tags++) {
      const skip = id3v2Size(head.subarray(0, bytesRead));
      if (!skip) break;
      at += skip;
      ({ bytesRead } = await fh.read(head, 0, SNIFF_BYTES, at));
    }
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export function decoderFor(head: Uint8Array): Decoder | null {
  return DECODERS.find((d) => d.sniff(head)) ?? null;
}

/**
 * Opens a file for streaming decode, choosing the decoder by content, not by extension. A container we read but a
 * codec inside it we do not (ADPCM in WAV, FLAC in Ogg) goes to ffmpeg.
 */
export async function openPcmSource(path: string): Promise<PcmSource> {
  const head = await readHead(path);
  const decoder = decoderFor(head);
  if (!decoder) throw new DecodeError('unsupported-format', 'unsupported format: no decoder recognises this file');
  try {
    return await decoder.open(path);
  } catch (err) {
    const unsupported = err instanceof DecodeError && err.code === 'unsupported-format' && !err.final;
    if (unsupported && decoder !== ffmpegDecoder && ffmpegDecoder.sniff(head) && hasFfmpeg()) return ffmpegDecoder.open(path);
    throw err;
  }
}
