#!/usr/bin/env node
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AtpError, DEFAULT_PORT, SORT_KEYS, type LoginRequest, type SortKey, type TrackInfo } from '../../src-shared/protocol/index.js';
import { AtpClient } from '../atp-client/client.js';
import { fetchTrack, wavHeader } from '../atp-client/fetch-track.js';

const USAGE = `atp: the ATP command-line client

  atp [connection options] list [--query WORDS] [--sort KEY] [--order asc|desc] [--offset N] [--limit N] [--json]
  atp [connection options] fetch TRACK --out FILE.wav [--from MS] [--checksum]
  atp [connection options] ping

TRACK is a track id, or words that match exactly one track.
connection options (environment defaults in brackets):
  --host ADDR        [ATP_HOST or 127.0.0.1]
  --port N           [ATP_PORT or ${DEFAULT_PORT}]
  --user NAME        [ATP_USER]
  password: from the environment variable ATP_PASSWORD; a token from ATP_TOKEN
`;

class UsageError extends Error {}

function formatTime(ms: number | null): string {
  if (ms === null) return '--:--';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number, not "${value}"`);
  return n;
}

async function resolveTrack(client: AtpClient, words: string): Promise<TrackInfo | string> {
  const byId = await client.list({ query: words, limit: 2 });
  if (byId.total === 1) return byId.tracks[0]!;
  if (byId.total > 1) throw new UsageError(`"${words}" matches ${byId.total} tracks; name one by its id (atp list)`);
  return words; // perhaps an id: the server will say if it is not
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: process.env.ATP_HOST ?? '127.0.0.1' },
      port: { type: 'string', default: process.env.ATP_PORT ?? String(DEFAULT_PORT) },
      user: { type: 'string', default: process.env.ATP_USER },
      query: { type: 'string' },
      sort: { type: 'string' },
      order: { type: 'string' },
      offset: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string', short: 'o' },
      from: { type: 'string' },
      checksum: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  if (!['list', 'fetch', 'ping'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (values.sort !== undefined && !SORT_KEYS.includes(values.sort as SortKey)) throw new UsageError(`--sort is one of ${SORT_KEYS.join(', ')}`);
  if (values.order !== undefined && values.order !== 'asc' && values.order !== 'desc') throw new UsageError('--order is asc or desc');

  const client = await AtpClient.connect({ host: values.host, port: int(values.port, '--port') ?? DEFAULT_PORT });
  try {
    const login: LoginRequest = { client: 'atp-cli' };
    if (values.user) login.user = values.user;
    if (process.env.ATP_PASSWORD) login.password = process.env.ATP_PASSWORD;
    if (process.env.ATP_TOKEN) login.token = process.env.ATP_TOKEN;
    await client.login(login);

    if (command === 'ping') {
      process.stdout.write(`${(await client.ping()).toFixed(2)} ms\n`);
    } else if (command === 'list') {
      const page = await client.list({
        query: values.query,
        sort: values.sort as SortKey | undefined,
        order: values.order as 'asc' | 'desc' | undefined,
        offset: int(values.offset, '--offset'),
        limit: int(values.limit, '--limit'),
      });
      if (values.json) process.stdout.write(JSON.stringify(page, null, 2) + '\n');
      else {
        for (const t of page.tracks) {
          const status = t.playable ? '' : `  [unplayable: ${t.reason}]`;
          process.stdout.write(`${t.id}  ${formatTime(t.durationMs).padStart(6)}  ${t.artist ?? '-'} - ${t.title}${t.album ? ` (${t.album})` : ''}${status}\n`);
        }
        process.stdout.write(`${page.tracks.length} of ${page.total} tracks\n`);
      }
    } else {
      if (!rest[0]) throw new UsageError('fetch TRACK --out FILE.wav');
      if (!values.out) throw new UsageError('fetch needs --out FILE.wav');
      const track = await resolveTrack(client, rest.join(' '));
      const id = typeof track === 'string' ? track : track.id;
      const file = await open(values.out, 'w');
      try {
        await file.write(new Uint8Array(44)); // header written once the length is known
        const result = await fetchTrack(client, id, {
          fromMs: int(values.from, '--from'),
          checksum: values.checksum,
          write: async (pcm) => {
            await file.write(pcm);
          },
        });
        await file.write(wavHeader(result.format, result.frames), 0, 44, 0);
        process.stderr.write(`wrote ${result.frames} frames (${result.format.sampleRate} Hz, ${result.format.channels} ch) from frame ${result.startFrame} to ${values.out}\n`);
      } finally {
        await file.close();
      }
    }
    await client.logout().catch(() => client.close());
  } catch (err) {
    client.close();
    throw err;
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  const code = err instanceof AtpError ? ` (${err.code})` : '';
  process.stderr.write(`atp: ${err.message}${code}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
