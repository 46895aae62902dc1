#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, ENCODINGS, SORT_KEYS, type Encoding, type LoginRequest, type SortKey } from '../../src-shared/protocol/index.js';
import { AtpClient } from '../atp-client/client.js';
import { runFetch } from './fetch-command.js';
import { CliError, EXIT, UsageError, connectFailure, describeFailure, loginFailure } from './failures.js';
import { formatTime } from './format-time.js';
import { encryptAndVerify, isLoopbackHost, knownServersPath } from './trust-command.js';
import { isFingerprint } from '../atp-client/server-identity.js';

const USAGE = `atp: the ATP command-line client

  atp [connection options] list [--query WORDS] [--sort KEY] [--order asc|desc] [--offset N] [--limit N] [--json]
  atp [connection options] fetch TRACK --out FILE.wav [--from MS] [--checksum] [--encoding original|pcm|opus] [--bitrate N]
  atp [connection options] ping

TRACK is a track id, or words that match exactly one track.
connection options (environment defaults in brackets):
  --host ADDR        [ATP_HOST or 127.0.0.1]
  --port N           [ATP_PORT or ${DEFAULT_PORT}]
  --user NAME        [ATP_USER]
  --fingerprint SHA256:…  trust the server whose certificate has this fingerprint ("atp-server fingerprint"
                     prints it) and remember it in ${knownServersPath()}
  --encrypt          encrypt on a loopback address too (every other address is encrypted by default)
  --plaintext        do not encrypt: only for a server started with --allow-plaintext, or without a password
  password: from the environment variable ATP_PASSWORD; a token from ATP_TOKEN
--encoding original (the default) has the server send the file's own frames, decoded here to the same PCM;
pcm has the server decode; opus has it send Opus at --bitrate N kbit/s (64 to 256, default 160), for slow links:
the WAV then holds the Opus decoded back to the track's own rate, not the file's samples. FILE.wav is written only when the whole fetch succeeds; a relative path is taken from the folder npm was run in
(INIT_CWD) under "npm run atp", else from the current folder.
exit codes: 0 done, 1 failed (nothing written), 2 wrong command line, 3 the track ended early (FILE.wav holds
what the server had)
`;

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number, not "${value}"`);
  return n;
}

/** Resolves to the exit code. */
async function main(argv: string[]): Promise<number> {
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
      encoding: { type: 'string', default: 'original' },
      bitrate: { type: 'string' },
      fingerprint: { type: 'string' },
      encrypt: { type: 'boolean', default: false },
      plaintext: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (!['list', 'fetch', 'ping'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (values.sort !== undefined && !SORT_KEYS.includes(values.sort as SortKey)) throw new UsageError(`--sort is one of ${SORT_KEYS.join(', ')}`);
  if (values.order !== undefined && values.order !== 'asc' && values.order !== 'desc') throw new UsageError('--order is asc or desc');
  if (command === 'fetch' && !rest[0]) throw new UsageError('fetch TRACK --out FILE.wav');
  if (command === 'fetch' && !values.out) throw new UsageError('fetch needs --out FILE.wav');
  if (!ENCODINGS.includes(values.encoding as Encoding)) throw new UsageError(`--encoding is ${ENCODINGS.join(' or ')}`);
  const bitrate = int(values.bitrate, '--bitrate');
  if (bitrate !== undefined && values.encoding !== 'opus') throw new UsageError('--bitrate goes with --encoding opus');
  if (bitrate !== undefined && (bitrate < 64 || bitrate > 256)) throw new UsageError(`--bitrate is a number of kbit/s from 64 to 256, not ${bitrate}`);
  const fromMs = int(values.from, '--from');
  const port = int(values.port, '--port') ?? DEFAULT_PORT;
  if (port < 1 || port > 65535) throw new UsageError(`--port is a number from 1 to 65535, not ${port}`);

  if (values.fingerprint !== undefined && !isFingerprint(values.fingerprint)) {
    throw new UsageError(`--fingerprint is SHA256: and 43 base64 characters, as "atp-server fingerprint" prints it, not "${values.fingerprint}"`);
  }
  if (values.plaintext && (values.encrypt || values.fingerprint !== undefined)) throw new UsageError('--plaintext goes with neither --encrypt nor --fingerprint');
  const encrypt = !values.plaintext && (values.encrypt || values.fingerprint !== undefined || !isLoopbackHost(values.host));

  const address = `${values.host.includes(':') ? `[${values.host}]` : values.host}:${port}`;
  const client = await AtpClient.connect({ host: values.host, port }).catch((err: Error) => {
    throw connectFailure(err, values.host, address);
  });
  let exitCode: number = EXIT.ok;
  try {
    if (encrypt) await encryptAndVerify(client, { host: values.host, port, address, fingerprint: values.fingerprint });
    const login: LoginRequest = { client: 'atp-cli' };
    if (values.user) login.user = values.user;
    if (process.env.ATP_PASSWORD) login.password = process.env.ATP_PASSWORD;
    if (process.env.ATP_TOKEN) login.token = process.env.ATP_TOKEN;
    await client.login(login).catch((err: Error) => {
      throw loginFailure(err, login, address);
    });

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
      // Under "npm run atp" the process runs in the repository; INIT_CWD is the folder the user typed the command in.
      const outPath = resolve(process.env.INIT_CWD ?? process.cwd(), values.out!);
      exitCode = await runFetch(client, { track: rest.join(' '), outPath, outName: values.out!, fromMs, checksum: values.checksum, encoding: values.encoding as Encoding, bitrate, address });
    }
    await client.logout().catch(() => client.close());
  } catch (err) {
    client.close();
    throw err;
  }
  return exitCode;
}

main(process.argv.slice(2)).then(
  // exitCode rather than exit(): output still queued for a slow reader is not cut off.
  (code) => (process.exitCode = code),
  (err: Error) => {
    process.stderr.write(`atp: ${describeFailure(err)}\n`);
    if ((err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) process.exit(EXIT.usage);
    process.exit(err instanceof CliError ? err.exitCode : EXIT.failed);
  },
);
