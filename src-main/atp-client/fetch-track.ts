import type { AtpClient } from './client.js';
import { openPcmStream } from './decoding-stream.js';
import type { Encoding, EndNotice, StreamFormat } from '../../src-shared/protocol/index.js';

export interface FetchOptions {
  fromMs?: number;
  /** Bytes of PCM the server may send ahead of what was written (a downloader's large window). */
  window?: number;
  checksum?: boolean;
  /** `original`: the server sends the file's own frames and they are decoded here (the PCM is the same). */
  encoding?: Encoding;
  /** For `opus`: kbit/s, 64–256 (the server's default, 160, when absent). */
  bitrate?: number;
  /** Receives PCM in order; resolve when written, which returns the credit (backpressure reaches the server). */
  write(pcm: Uint8Array): Promise<void> | void;
}

export interface FetchResult {
  format: StreamFormat;
  startFrame: number;
  frames: number;
  /** The server's END: its `reason` says why the stream stopped before the `format.totalFrames` announced. */
  end: EndNotice;
}

/** Streams one track from a position to its end as fast as the link allows, in order. */
export async function fetchTrack(client: AtpClient, trackId: string, options: FetchOptions): Promise<FetchResult> {
  const window = options.window ?? 4 * 1024 * 1024;
  const stream = await openPcmStream(client, trackId, { window, checksum: options.checksum, encoding: options.encoding, bitrate: options.bitrate });
  let frames = 0;
  let expected = -1;
  let writing: Promise<void> = Promise.resolve();
  try {
    const done = new Promise<EndNotice>((resolve, reject) => {
      stream.on('data', (chunk) => {
        if (expected >= 0 && chunk.firstFrame !== expected) {
          reject(new Error(`gap in stream: expected frame ${expected}, got ${chunk.firstFrame}`));
          return;
        }
        expected = chunk.firstFrame + chunk.pcm.length / stream.format.bytesPerFrame;
        frames += chunk.pcm.length / stream.format.bytesPerFrame;
        const pcm = chunk.pcm;
        writing = writing.then(async () => {
          await options.write(pcm);
          stream.credit(pcm.length);
        });
        writing.catch(reject);
      });
      stream.on('end', (notice) => void writing.then(() => resolve(notice), reject));
      stream.on('error', reject);
      stream.on('close', (err) => reject(err ?? new Error('stream closed before its end')));
    });
    // Awaited below; until then a failure must not count as unhandled (PLAY itself may fail first, with the same cause).
    done.catch(() => {});
    const reply = await stream.play({ positionMs: options.fromMs ?? 0 });
    const end = await done;
    if (frames > 0 && expected - frames !== reply.startFrame) {
      throw new Error(`stream started at frame ${expected - frames}, not at ${reply.startFrame}`);
    }
    return { format: stream.format, startFrame: reply.startFrame, frames, end };
  } finally {
    await stream.teardown().catch(() => {});
  }
}

/** A 44-byte canonical WAV header for s16le PCM. */
export function wavHeader(format: StreamFormat, frames: number): Uint8Array {
  const dataBytes = frames * format.bytesPerFrame;
  const b = new Uint8Array(44);
  const v = new DataView(b.buffer);
  const ascii = (o: number, s: string) => [...s].forEach((c, i) => (b[o + i] = c.charCodeAt(0)));
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, format.channels, true);
  v.setUint32(24, format.sampleRate, true);
  v.setUint32(28, format.sampleRate * format.bytesPerFrame, true);
  v.setUint16(32, format.bytesPerFrame, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  return b;
}
