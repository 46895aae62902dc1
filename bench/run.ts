// npm run bench [-- --clients N --seconds S --tracks N --minutes M --only streams,decode,library,desktop]
// Prints figures; never fails on speed. Each part also runs alone: node --import tsx bench/<part>.ts
import { parseArgs } from 'node:util';
import { benchDecode } from './decode.js';
import { benchDesktop } from './desktop.js';
import { benchLibrary } from './library.js';
import { benchStreams } from './streams.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    tracks: { type: 'string', default: '100000' },
    minutes: { type: 'string', default: '10' },
    only: { type: 'string' },
  },
});
const only = values.only?.split(',');
const want = (name: string) => !only || only.includes(name);
const heading = (name: string) => console.log(`\n== ${name} ==`);

if (want('streams')) {
  heading('streams: concurrent real-time listeners');
  await benchStreams({ clients: Number(values.clients), seconds: Number(values.seconds) });
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
process.exit(0);
