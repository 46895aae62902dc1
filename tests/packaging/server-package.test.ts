// The headless server as someone installs it on a NAS or a VPS: the npm package made by scripts/package-server.mjs,
// installed into a prefix of its own (no clone, no dev dependencies, no network), run from there.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { DEMO_LIBRARY } from '../helpers/server-process.js';
import { wavData } from '../helpers/wav-file.js';
import { fetchPcm, listTracks, startServerCommand, type ServerCommand } from './server-command.js';

// Everything this file writes goes under one folder, removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'atp-packaging-'));
const scratchDir = (prefix: string) => mkdtempSync(join(scratch, prefix));
after(() => rmSync(scratch, { recursive: true, force: true }));

const run = promisify(execFile);
const UNIT = resolve('packaging/atp-server.service');
const ROOT_VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

/** The unit's ExecStart as an argument list. */
function unitExecStart(): string[] {
  const line = readFileSync(UNIT, 'utf8').split('\n').find((l) => l.startsWith('ExecStart='));
  assert.ok(line, 'the unit has an ExecStart line');
  return line.slice('ExecStart='.length).trim().split(/\s+/);
}

describe('the atp-server npm package', () => {
  let tarball: string;
  let prefix: string;
  let bin: string;
  before(async () => {
    assert.ok(existsSync('dist/server/atp-server.mjs'), 'run `npm run build` first: dist/server/atp-server.mjs is missing');
    const out = scratchDir('atp-server-tgz-');
    tarball = (await run(process.execPath, ['scripts/package-server.mjs', '--out', out])).stdout.trim();
    prefix = scratchDir('atp-server-prefix-');
    await run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball]);
    bin = join(prefix, 'bin', 'atp-server');
  });

  test('holds the single-file server, its unit, README and LICENSE; the root version; no dependencies', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    assert.deepEqual(stdout.trim().split('\n').sort(), ['package/LICENSE', 'package/README.md', 'package/atp-server.mjs', 'package/atp-server.service', 'package/package.json']);
    const manifest = JSON.parse((await run('tar', ['xzOf', tarball, 'package/package.json'])).stdout) as Record<string, unknown>;
    assert.equal(manifest.name, 'atp-server');
    assert.equal(manifest.version, ROOT_VERSION);
    assert.deepEqual(manifest.bin, { 'atp-server': 'atp-server.mjs' });
    assert.equal(manifest.dependencies, undefined);
    assert.equal(basename(tarball), `atp-server-${ROOT_VERSION}.tgz`);
  });

  test('installs an atp-server command that prints its usage', async () => {
    const { stdout } = await run(bin, ['--help']);
    assert.match(stdout, /--library DIR/);
  });

  describe('the installed command, serving the demo library', () => {
    let server: ServerCommand;
    before(async () => {
      server = await startServerCommand(bin, ['--library', DEMO_LIBRARY, '--no-auth', '--state-dir', scratchDir('atp-installed-state-')]);
    });
    after(async () => {
      assert.equal(await server?.stop(), 0);
    });

    test('lists the library', async () => {
      assert.match(await listTracks(server.port), /3 of 3 tracks/);
    });

    test('streams a track byte-exact', async () => {
      const pcm = await fetchPcm(server.port, 'Teardown');
      assert.ok(pcm.equals(wavData(join(DEMO_LIBRARY, '03 Teardown.wav')).data));
    });
  });

  test('`atp-server user add` makes an account, and the unit\'s command line serves it on the network', async () => {
    const stateDir = scratchDir('atp-installed-accounts-');
    const added = spawnSync(bin, ['user', 'add', 'alice', '--password-stdin', '--state-dir', stateDir], { input: 'alice-password\n', encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    const listed = spawnSync(bin, ['user', 'list', '--state-dir', stateDir], { encoding: 'utf8' });
    assert.match(listed.stdout, /alice/);

    const [command, ...args] = unitExecStart();
    assert.equal(command, '/usr/local/bin/atp-server');
    assert.ok(args.includes('--host') && args[args.indexOf('--host') + 1] === '0.0.0.0');
    const local = args.map((a) => (a === '/srv/music' ? DEMO_LIBRARY : a === '/var/lib/atp-server' ? stateDir : a));
    const server = await startServerCommand(bin, local);
    try {
      assert.match(await listTracks(server.port, { ATP_USER: 'alice', ATP_PASSWORD: 'alice-password' }), /3 of 3 tracks/);
      await assert.rejects(listTracks(server.port, { ATP_USER: 'alice', ATP_PASSWORD: 'wrong-password' }), /bad-credentials/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('systemd accepts the unit as written', { skip: hasSystemdAnalyze ? false : 'systemd-analyze is not installed (Debian package systemd)' }, async () => {
    const dir = scratchDir('atp-unit-');
    writeFileSync(join(dir, 'atp-server.service'), readFileSync(UNIT, 'utf8').replace('/usr/local/bin/atp-server', bin));
    const verified = spawnSync('systemd-analyze', ['verify', join(dir, 'atp-server.service')], { encoding: 'utf8' });
    assert.equal(verified.status, 0, verified.stderr);
    assert.equal(`${verified.stdout}${verified.stderr}`.trim(), '', 'no warnings: every key is one systemd knows');
  });
});
