// npm run bench [-- --listeners N,N,... --seconds S --encodings pcm,original --mixed N --workers N --tracks N --minutes M --only streams,decode,library,desktop,ui,links]
// Prints figures; never fails on speed. Each part also runs alone: node --import tsx bench/<part>.ts
import { parseArgs } from 'node:util';
import { benchDecode } from './decode.js';
import { benchDesktop } from './desktop.js';
import { benchLibrary } from './library.js';
import { benchLinks } from './links.js';
import { benchStreams } from './streams.js';
import { benchUiLibrary } from './ui-library.js';

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '250,500,1000,2000' },
    seconds: { type: 'string', default: '60' },
    encodings: { type: 'string', default: 'pcm,original' },
    mixed: { type: 'string' },
    workers: { type: 'string' },
    tracks: { type: 'string', default: '100000' },
    minutes: { type: 'string', default: '10' },
    only: { type: 'string' },
  },
});
const only = values.only?.split(',');
const want = (name: string) => !only || only.includes(name);
const heading = (name: string) => console.log(`\n== ${name} ==`);

if (want('streams')) {
  heading('streams: atp-server beside nginx, real-time listeners');
  const listeners = values.listeners.split(',').map(Number);
  if (listeners.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--listeners wants whole numbers, e.g. 250,500: ${values.listeners}`);
  await benchStreams({
    listeners,
    seconds: Number(values.seconds),
    encodings: values.encodings.split(','),
    // The mixed library costs the most to serve as PCM: by default it is measured at the smallest load.
    mixedListeners: values.mixed === undefined ? Math.min(...listeners) : Number(values.mixed),
    workers: values.workers,
  });
}
if (want('decode')) {
  heading('decode: speed beside ffmpeg, seek latency');
  await benchDecode({});
}
if (want('library')) {
  heading(`library: ${values.tracks} tracks`);
  await benchLibrary({ tracks: Number(values.tracks) });
}
if (want('desktop')) {
  heading(`desktop: click to first sample, CPU, underruns over ${values.minutes} min`);
  await benchDesktop({ minutes: Number(values.minutes) });
}
if (want('ui')) {
  heading(`ui: the renderer browsing ${values.tracks} tracks`);
  await benchUiLibrary({ tracks: Number(values.tracks) });
}
if (only?.includes('links')) {
  // Five shaped links of --minutes each (default 10): asked for by name, since it takes as long as it plays.
  heading(`links: playback over shaped links, ${values.minutes} min each`);
  await benchLinks({ minutes: Number(values.minutes) });
}
process.exit(0);
