/**
 * Opening a stream in the encoding chosen for the link, and measuring the link with it: every DATA that arrives
 * while the server had credit to send it sooner is a measure of what the link carries (link-estimate.ts).
 * What travelled is the raw stream's DATA (coded bytes for `original` and `opus`), so the meter sits on the raw
 * stream, under the decoding one.
 */
import { OpusLinkDecoder } from '../../src-codecs/opus-transcode/opus-link-decoder.js';
import { OriginalDecoder } from '../../src-codecs/original/original-decoder.js';
import type { PlayRequest, StreamFormat } from '../../src-shared/protocol/index.js';
import type { AtpClient } from '../atp-client/client.js';
import type { ClientStream } from '../atp-client/client-stream.js';
import { DecodingStream, type PcmStream } from '../atp-client/decoding-stream.js';
import type { LinkEstimate, StreamChoice } from './link-estimate.js';

/** The most credit a server may wait for before it sends (the reference server's low-water mark at its highest). */
const LOW_WATER_MAX = 262144;

export interface OpenedStream {
  stream: PcmStream;
  /** What the server agreed to send (it may answer `pcm` to a track it cannot send as `original`). */
  choice: StreamChoice;
  /** How the stream crosses the network, as the signal path shows it. */
  transport: string;
}

/**
 * SETUP in the chosen encoding. `lossless` is what a choice of `original` becomes: `original` spares a LAN
 * server's CPU, `pcm` spares the client's.
 */
export async function openChosenStream(
  client: AtpClient,
  trackId: string,
  choice: StreamChoice,
  options: { window: number; lossless: 'pcm' | 'original'; link: LinkEstimate | null; onSample?: () => void },
): Promise<OpenedStream> {
  const encoding = choice.encoding === 'opus' ? 'opus' : options.lossless;
  const raw = await client.setup(trackId, { window: options.window, encoding, ...(encoding === 'opus' ? { bitrate: choice.bitrate } : {}) });
  if (options.link) meterLink(raw, options.link, options.onSample ?? (() => {}));
  const agreed: StreamChoice = raw.encoding === 'opus' ? { encoding: 'opus', bitrate: choice.bitrate } : { encoding: raw.encoding };
  const transport = transportLabel(agreed, raw.codec?.name ?? null, raw.format);
  if (!raw.codec) return { stream: raw, choice: agreed, transport };
  try {
    const decoder = raw.encoding === 'opus' ? await OpusLinkDecoder.open(raw.format, raw.codec) : await OriginalDecoder.open(raw.format, raw.codec);
    return { stream: new DecodingStream(raw, raw.codec, decoder, options.window), choice: agreed, transport };
  } catch (err) {
    await raw.teardown().catch(() => {});
    throw err;
  }
}

export function transportLabel(choice: StreamChoice, codec: string | null, format: StreamFormat): string {
  if (choice.encoding === 'opus') return `Opus ${choice.bitrate} kbit/s`;
  if (choice.encoding === 'original' && codec) return `${codec.toUpperCase()} as stored`;
  return `PCM 16-bit ${+(format.sampleRate / 1000).toFixed(2)} kHz`;
}

/**
 * Follows the server's window as the client sees it: a PLAY with a window resets it, DATA fills it, credit empties
 * it. An arrival counts as a measure when the window had room for it already at the previous arrival (credit
 * returned since may not have reached the server), so time the server spent waiting for credit is never taken
 * for a slow link. The stream has no hooks for this, so its play and credit are wrapped.
 */
function meterLink(raw: ClientStream, link: LinkEstimate, onSample: () => void): void {
  let window = 0;
  let outstanding = 0;
  let afterLast = 0;
  const play = raw.play.bind(raw);
  const credit = raw.credit.bind(raw);
  raw.play = (req?: PlayRequest) => {
    if (req?.window !== undefined) {
      window = req.window;
      outstanding = 0;
      afterLast = 0;
    }
    link.interrupt();
    return play(req);
  };
  raw.credit = (bytes: number) => {
    // Credit beyond what is outstanding widens the window (a seek opens it in two steps).
    window += Math.max(0, bytes - outstanding);
    outstanding = Math.max(0, outstanding - bytes);
    credit(bytes);
  };
  raw.on('data', (chunk) => {
    const bytes = chunk.pcm.length;
    // Room for this DATA is not enough: a server may wait for its low-water mark (PROTOCOL.md 8.3) before sending.
    const open = afterLast + Math.max(bytes, Math.min(LOW_WATER_MAX, Math.floor(window / 2))) <= window;
    outstanding += bytes;
    afterLast = outstanding;
    const before = link.estimateKbps;
    link.observe(performance.now(), bytes, open);
    if (link.estimateKbps !== before) onSample();
  });
  raw.on('close', () => link.interrupt());
}
