#!/usr/bin/env node
// First: it sizes the heap before the other modules allocate.
import './server/heap-settings.js';
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isIP } from 'node:net';
import { createLogger, isLogLevel, routeConsoleToLog, setProcessLogger } from './log.js';
import { Authenticator, TOKEN_USER } from './server/authenticator.js';
import { DEFAULT_HOST, DEFAULT_LIMITS, DEFAULT_PORT } from './server/config.js';
import { serve } from './server/serve.js';
import { StartupError, parsePort } from './server/startup.js';
import { AccountClient, answerAccountCalls } from './storage/account-relay.js';
import { AccountError, parseRole, type AccountStore } from './storage/accounts.js';
import { StorageError } from './storage/database.js';
import { openStorage, type Storage, type StorageOptions } from './storage/open-storage.js';
import { UserDataClient, answerUserDataCalls } from './storage/user-data-relay.js';
import { UsageError, parseMonthlyMinutes, printUsage, setQuota } from './usage-command.js';
import { setMonthlyMinutes } from './storage/listening.js';
import { readPassword } from './password-prompt.js';
import { fingerprintOfPem } from './tls/fingerprint.js';
import { selfSignedPaths } from './tls/self-signed.js';
import { readFile } from 'node:fs/promises';
import { isDecodeThread } from './decode/decode-thread.js';

const USAGE = `atp-server: streams a music folder over ATP

  atp-server --library DIR [options]        serve DIR
  atp-server user add NAME [--role admin|listener] [--monthly-minutes N] [--password-stdin]
  atp-server user quota NAME --monthly-minutes N|none
  atp-server user passwd NAME [--password-stdin]
  atp-server user remove NAME
  atp-server user list
  atp-server usage [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--user NAME] [--csv]
                                            listened time per user and day (default: this month)
  atp-server fingerprint [--state-dir DIR | --tls-cert FILE]
                                            print the SHA-256 fingerprint clients pin

options:
  --library DIR         the music folder (required to serve)
  --host ADDR           address to listen on (default ${DEFAULT_HOST})
  --port N              TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --state-dir DIR       where the server keeps its files (default $XDG_STATE_HOME/atp-server or ~/.local/state/atp-server)
  --database DB         postgres://USER@HOST/NAME, or an SQLite file (default STATE_DIR/atp.db); accounts live here
  --users FILE          accounts file of earlier versions, imported into the database once and renamed FILE.imported
                        (default STATE_DIR/users.json)
  --role ROLE           user add: admin or listener (default: admin for the first account, listener after)
  --monthly-minutes N   user add, user quota: minutes of listening a month, after which PLAY is refused
                        (quota-exceeded); "none" removes the quota
  --token-env VAR       also accept the token held in environment variable VAR (the desktop app's local server)
  --no-auth             anyone may log in without a password; refused unless --host is a loopback address
  --log-level LEVEL     debug, info, warn or error (default info)
  --max-connections N   (default ${DEFAULT_LIMITS.maxConnections})
  --max-streams N       streams per connection (default ${DEFAULT_LIMITS.maxStreamsPerConnection})
  --max-payload BYTES   largest frame payload accepted (default ${DEFAULT_LIMITS.maxPayload})
  --idle-timeout SEC    close connections silent this long (default ${DEFAULT_LIMITS.idleTimeoutMs / 1000})
  --watch               rescan a few seconds after the music folder changes
  --rescan-interval SEC rescan this often (default 600; 0: never). SIGHUP rescans at once.
  --workers N|auto      processes serving connections (default 1: this process; auto: one per core)
  --decode-threads N|auto
                        threads decoding compressed files (MP3, FLAC, Vorbis, Opus, ffmpeg's) for pcm and opus
                        streams, in each process serving connections (default auto: the cores shared out among the
                        workers; 0: none, the serving thread decodes)
  --tls-cert FILE       PEM certificate (and chain) that ENCRYPT offers, with --tls-key FILE, e.g. Let's Encrypt's
                        fullchain.pem and privkey.pem (default: STATE_DIR/tls/cert.pem and key.pem, a self-signed
                        ECDSA P-256 certificate made on first start). SIGHUP reloads renewed files.
  --tls-key FILE        the certificate's PEM private key
  --allow-plaintext     accept a password or token in clear text from the network (default: only on loopback
                        connections; elsewhere LOGIN needs ENCRYPT first, or is refused with encryption-required)
`;


function defaultStateDir(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'atp-server');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number, not "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      library: { type: 'string' },
      host: { type: 'string', default: DEFAULT_HOST },
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      users: { type: 'string' },
      database: { type: 'string' },
      role: { type: 'string' },
      'monthly-minutes': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      user: { type: 'string' },
      csv: { type: 'boolean', default: false },
      'token-env': { type: 'string' },
      'no-auth': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'max-connections': { type: 'string' },
      'max-streams': { type: 'string' },
      'max-payload': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      'rescan-interval': { type: 'string' },
      workers: { type: 'string', default: '1' },
      'decode-threads': { type: 'string', default: 'auto' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'allow-plaintext': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stateDir = values['state-dir'] ?? defaultStateDir();
  const usersPath = values.users ?? join(stateDir, 'users.json');

  const storageOptions = { stateDir, database: values.database, usersFile: usersPath };
  const monthlyMinutes = parseMonthlyMinutes(values['monthly-minutes']);
  if (positionals[0] === 'user') return manageUsers(positionals.slice(1), storageOptions, values['password-stdin'], values.role, monthlyMinutes);
  if (positionals[0] === 'usage') return printUsage(storageOptions, { from: values.from, to: values.to, user: values.user, csv: values.csv });
  const certPath = values['tls-cert'];
  if (positionals[0] === 'fingerprint') return printFingerprint(certPath ?? selfSignedPaths(stateDir).cert, certPath === undefined);
  if ((certPath === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert FILE and --tls-key FILE go together');
  const tls = certPath
    ? { paths: { cert: certPath, key: values['tls-key']! }, selfSigned: false }
    : { paths: selfSignedPaths(stateDir), selfSigned: true };
  if (positionals.length > 0 && positionals[0] !== 'serve') throw new UsageError(`unknown command "${positionals[0]}"`);

  if (!values.library) throw new UsageError('--library DIR is required');
  if (!isLogLevel(values['log-level'])) throw new UsageError('--log-level is debug, info, warn or error');
  const log = createLogger(values['log-level']);
  setProcessLogger(log);
  routeConsoleToLog(log);
  const host = values.host;
  const port = parsePort(values.port, DEFAULT_PORT);
  const limits = {
    ...DEFAULT_LIMITS,
    maxConnections: positiveInt(values['max-connections'], '--max-connections', DEFAULT_LIMITS.maxConnections),
    maxStreamsPerConnection: positiveInt(values['max-streams'], '--max-streams', DEFAULT_LIMITS.maxStreamsPerConnection),
    maxPayload: positiveInt(values['max-payload'], '--max-payload', DEFAULT_LIMITS.maxPayload),
    idleTimeoutMs: positiveInt(values['idle-timeout'], '--idle-timeout', DEFAULT_LIMITS.idleTimeoutMs / 1000) * 1000,
  };

  if (values['no-auth'] && !isLoopback(host)) {
    throw new UsageError(`--no-auth is only allowed on a loopback address, not ${host}: add accounts with "atp-server user add"`);
  }
  let token: string | null = null;
  const tokenVar = values['token-env'];
  if (tokenVar) {
    token = process.env[tokenVar] ?? null;
    if (!token || token.length < 16) throw new UsageError(`environment variable ${tokenVar} must hold a token of at least 16 characters`);
    delete process.env[tokenVar];
  }
  // One process owns the database: this one, or in a cluster the primary, which workers ask (account-relay.ts).
  const storage = cluster.isPrimary ? await openServerStorage({ ...storageOptions, lockWaitMs: 5000 }, log) : null;
  // The token's holder (the desktop app's own server) is its owner: an account keeps their favourites, playlists and
  // history. Its password is random and never told: the token is the way in.
  if (storage && token && !(await storage.accounts.credentials(TOKEN_USER))) {
    await storage.accounts.add(TOKEN_USER, randomBytes(32).toString('base64url'), 'admin');
  }
  if (storage) {
    cluster.on('fork', (worker) => {
      answerAccountCalls(worker, storage.accounts);
      answerUserDataCalls(worker, storage.userData);
    });
  }
  const makeAuth = async () => {
    const accounts = storage?.accounts ?? new AccountClient();
    const count = await accounts.count();
    if (count === 0 && !token && !values['no-auth']) {
      throw new UsageError(`no way to log in: add an account (atp-server user add NAME --state-dir ${stateDir}), or pass --token-env or --no-auth`);
    }
    return new Authenticator({ users: accounts, accountCount: count, token, open: values['no-auth'] });
  };
  if (cluster.isPrimary) await makeAuth();
  const workers = values.workers === 'auto' ? availableParallelism() : positiveInt(values.workers, '--workers', 1);
  if (workers < 1) throw new UsageError('--workers takes a whole number of at least 1, or auto');
  const decodeThreads = values['decode-threads'] === 'auto'
    ? Math.max(1, Math.ceil(availableParallelism() / workers))
    : positiveInt(values['decode-threads'], '--decode-threads', 0);

  try {
    // Everything that can be wrong with the command line or the machine is found before the first scan, which can
    // take minutes: the folder is checked and the port bound first, and clients that come during the scan are served.
    await serve({
      libraryPath: values.library, host, port, stateDir, log, limits, makeAuth,
      workerEnv: tokenVar && token ? { [tokenVar]: token } : {},
      watch: values.watch,
      rescanIntervalMs: positiveInt(values['rescan-interval'], '--rescan-interval', 600) * 1000,
      workers,
      decodeThreads,
      entry: new URL(import.meta.url),
      tls,
      allowPlaintext: values['allow-plaintext'],
      userData: storage?.userData ?? new UserDataClient(),
    });
  } catch (err) {
    const message = err instanceof StartupError ? err.message : `the library could not be opened: ${(err as Error).message}`;
    log.error('startup-failed', { error: message });
    throw err instanceof StartupError ? err : new StartupError(message);
  }
  return -1;
}

async function printFingerprint(certPath: string, selfSigned: boolean): Promise<number> {
  const pem = await readFile(certPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' && selfSigned) {
      throw new StartupError(`no certificate at ${certPath} yet: the server makes it when it first starts with this --state-dir`);
    }
    throw new StartupError(`the certificate ${certPath} cannot be read: ${err.message}`);
  });
  try {
    process.stdout.write(fingerprintOfPem(pem) + '\n');
  } catch (err) {
    throw new StartupError(`${certPath} holds no PEM certificate: ${(err as Error).message}`);
  }
  return 0;
}

/** Opens the database for serving; what is wrong with it stops the server with one sentence. */
async function openServerStorage(options: StorageOptions, log: ReturnType<typeof createLogger>): Promise<Storage> {
  let storage: Storage;
  try {
    storage = await openStorage(options);
  } catch (err) {
    const message = err instanceof StorageError ? err.message : `the database could not be opened: ${(err as Error).message}`;
    log.error('startup-failed', { error: message });
    throw new StartupError(message);
  }
  const { db, migrated, imported } = storage;
  log.info('database', { dialect: db.dialect, location: db.location, migrated });
  if (imported.kind === 'imported') log.info('accounts-imported', { accounts: imported.accounts, skipped: imported.skipped, renamedTo: imported.renamedTo });
  if (imported.kind === 'already-imported') log.warn('users-file-ignored', { path: options.usersFile, reason: `accounts were imported already (${imported.at}): remove it` });
  return storage;
}

async function manageUsers(
  args: string[], options: Omit<StorageOptions, 'lockWaitMs'>, passwordFromStdin: boolean, role: string | undefined, monthlyMinutes: number | null | undefined,
): Promise<number> {
  const [verb, name] = args;
  if (!['add', 'passwd', 'remove', 'list', 'quota'].includes(verb ?? '')) throw new UsageError('user add|passwd|remove|list|quota');
  if (verb !== 'list' && !name) throw new UsageError(`user ${verb} NAME`);
  if (role !== undefined && verb !== 'add') throw new UsageError('--role goes with user add');
  if (monthlyMinutes !== undefined && verb !== 'add' && verb !== 'quota') throw new UsageError('--monthly-minutes goes with user add or user quota');
  if (verb === 'quota') return setQuota(options, name!, monthlyMinutes);
  // The password is asked for before the database is opened: a mistyped confirmation changes nothing.
  const password = verb === 'add' || verb === 'passwd' ? await readPassword(`password for ${name}: `, passwordFromStdin) : '';
  // Other `user` commands or a starting server may hold the database for a moment: wait for them.
  const { db, accounts } = await openStorage({ ...options, lockWaitMs: 60_000 });
  try {
    const code = await runUserCommand(accounts, verb!, name ?? '', password, role === undefined ? undefined : parseRole(role), db.location);
    if (verb === 'add' && monthlyMinutes != null) await setMonthlyMinutes(db, name!, monthlyMinutes);
    return code;
  } catch (err) {
    // A name or role that cannot be is the command line's fault; an account that exists or not is the store's state.
    if (err instanceof AccountError) throw err.code === 'bad-name' || err.code === 'bad-role' ? new UsageError(err.message) : new Error(err.message);
    throw err;
  } finally {
    await db.close();
  }
}

async function runUserCommand(accounts: AccountStore, verb: string, name: string, password: string, role: ReturnType<typeof parseRole> | undefined, where: string): Promise<number> {
  switch (verb) {
    case 'list':
      for (const a of await accounts.list()) process.stdout.write(`${a.name}\t${a.role}\n`);
      return 0;
    case 'add': {
      const added = await accounts.add(name, password, role);
      process.stdout.write(`added ${name} (${added.role}) in ${where}\n`);
      return 0;
    }
    case 'passwd':
      if (!(await accounts.setPassword(name, password))) throw new UsageError(`no user ${name} in ${where}`);
      process.stdout.write(`changed the password of ${name}\n`);
      return 0;
    default:
      if (!(await accounts.remove(name))) throw new UsageError(`no user ${name} in ${where}`);
      process.stdout.write(`removed ${name}\n`);
      return 0;
  }
}

// A decoding thread loads this same file (the server is one file): decode-thread.ts answers there, and no server starts.
if (!isDecodeThread()) runMain();

function runMain(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err: Error) => {
      process.stderr.write(`atp-server: ${err.message}\n`);
      if (err instanceof StartupError) process.exit(err.exitCode);
      if (err instanceof UsageError || (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
        process.stderr.write('run "atp-server --help" for the options\n');
        process.exit(2);
      }
      process.exit(1);
    },
  );
}
