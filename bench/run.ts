// npm run bench [-- --clients N --seconds S --only streams,decode,library,desktop]
// Prints figures; never fails on speed. Each part also runs alone: node --import tsx bench/<part>.ts
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchStreams } from './streams.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    only: { type: 'string' },
  },
});
const only = values.only?.split(',');
const want = (name: string) => !only || only.includes(name);

if (want('streams')) await benchStreams({ clients: Number(values.clients), seconds: Number(values.seconds) });

// Parts contributed beside this one: each module exports an async function named bench<Part>(opts).
for (const [name, file, fn] of [
  ['decode', './decode.ts', 'benchDecode'],
  ['library', './library.ts', 'benchLibrary'],
  ['desktop', './desktop.ts', 'benchDesktop'],
] as const) {
  if (!want(name) || !existsSync(new URL(file, import.meta.url))) continue;
  const mod = (await import(file)) as Record<string, (opts: Record<string, unknown>) => Promise<void>>;
  await mod[fn]?.({ seconds: Number(values.seconds) });
}
process.exit(0);
