/**
 * The signal path of what plays, as words: the file's format → how it crosses the network → what the sound card is
 * fed. The transport part is what the stream says of itself ("Opus 160 kbit/s" on a slow link), PCM when it says
 * nothing, unless the caller names another.
 */
import type { StreamStarted } from '../../src-shared/ipc/contract.js';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';

export interface SignalPath {
  source: string;
  transport: string | null;
  output: string | null;
}

// 22050 Hz is 22.05 kHz, not a rounded 22.1: rates are exact, so up to two decimals and no trailing zeros.
const khz = (rate: number) => `${(rate / 1000).toLocaleString('en', { maximumFractionDigits: 2 })} kHz`;

function channels(n: number | null): string {
  return n === 1 ? 'mono' : n === 2 ? 'stereo' : n ? `${n} ch` : '';
}

export function signalPath(track: TrackInfo, stream: StreamStarted | null, outputRate: number | null, transport?: string): SignalPath {
  const source = [
    track.codec.toUpperCase(),
    track.bitsPerSample ? `${track.bitsPerSample}-bit` : '',
    track.sampleRate ? khz(track.sampleRate) : '',
    channels(track.channels),
  ].filter(Boolean).join(' ');
  const wire = transport ?? stream?.transport ?? (stream ? `PCM 16-bit ${khz(stream.format.sampleRate)}` : null);
  return { source, transport: wire, output: outputRate ? khz(outputRate) : null };
}

export function signalPathText(p: SignalPath): string {
  return [p.source, p.transport, p.output].filter(Boolean).join(' → ');
}
