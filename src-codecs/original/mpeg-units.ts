/** An MPEG audio file's own frames for an `original` stream, from the frame index the decoding source builds. */
import { open, type FileHandle } from 'node:fs/promises';
import { UNIT_LENGTH_SIZE, type CodecInfo } from '../../src-shared/protocol/index.js';
import { mp3Decoder, mpegRestartFrame, mpegSkip } from '../mp3.js';
import { buildMpegIndex, gaplessLength, type MpegIndex } from '../mpeg-frames.js';
import { DecodeError, type SourceFormat } from '../pcm-source.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

/** Frame bytes read from disk at once. */
const READ_AHEAD = 64 * 1024;

class MpegUnits implements CodedSource {
  readonly format: SourceFormat;
  readonly codec: CodecInfo;
  /** Index of the next frame to send. */
  private nextFrame = 0;
  private buf = new Uint8Array(READ_AHEAD);
  private bufStart = 0;
  private bufLen = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly index: MpegIndex,
  ) {
    const { first, offsets, lengths, gapless } = index;
    this.format = {
      sampleRate: first.sampleRate,
      channels: first.channels,
      totalFrames: gaplessLength(offsets.length, first.samplesPerFrame, gapless),
      codec: first.layer === 3 ? 'mp3' : first.layer === 2 ? 'mp2' : 'mp1',
      bitsPerSample: null,
    };
    let largest = 0;
    for (const n of lengths) largest = Math.max(largest, n);
    this.codec = {
      name: 'mp3',
      setup: [],
      delay: mpegSkip(index),
      padding: gapless.delay !== null ? gapless.padding : null,
      maxUnitBytes: UNIT_LENGTH_SIZE + largest,
      samplesPerFrame: first.samplesPerFrame,
    };
  }

  async restart(frame: number): Promise<void> {
    this.nextFrame = mpegRestartFrame(this.index, frame);
  }

  async next(): Promise<CodedUnit | null> {
    const { offsets, lengths } = this.index;
    if (this.nextFrame >= offsets.length) return null;
    const n = this.nextFrame++;
    const at = offsets[n]!;
    const length = lengths[n]!;
    if (at < this.bufStart || at + length > this.bufStart + this.bufLen) {
      if (length > this.buf.length) this.buf = new Uint8Array(length);
      this.bufStart = at;
      this.bufLen = (await this.fh.read(this.buf, 0, this.buf.length, at)).bytesRead;
      if (this.bufLen < length) throw new DecodeError('decode-failed', 'file shrank while playing');
    }
    const end = (n + 1) * this.index.first.samplesPerFrame - this.codec.delay;
    return { bytes: this.buf.subarray(at - this.bufStart, at - this.bufStart + length), position: n, end };
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

export async function openMpegUnits(path: string, head: Uint8Array): Promise<CodedSource> {
  if (!mp3Decoder.sniff(head)) throw new DecodeError('unsupported-format', 'not MPEG audio');
  const fh = await open(path, 'r');
  try {
    return new MpegUnits(fh, await buildMpegIndex(fh, (await fh.stat()).size));
  } catch (err) {
    await fh.close();
    throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
  }
}
