// `npm run dist` as far as it goes without Electron's downloads: electron-builder packs `--linux dir` around a
// stand-in Electron folder, and the result is checked the way a user's machine would meet it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { BUILDER_CONFIG, DEFAULT_FUSES, LINUX_EXECUTABLE, makeElectronDist, packLinuxDir, runElectronBuilder, type LinuxDirBuild } from '../helpers/electron-dist.js';
import { wavData } from '../helpers/wav-file.js';
import { fetchPcm, listTracks, startServerCommand, type ServerCommand } from './server-command.js';

// Everything this file writes goes under one folder, removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'atp-packaging-'));
const scratchDir = (prefix: string) => mkdtempSync(join(scratch, prefix));
after(() => rmSync(scratch, { recursive: true, force: true }));

const OFF = '0'.charCodeAt(0);
const ON = '1'.charCodeAt(0);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile());
}

describe('electron-builder.yml', () => {
  test('a config electron-builder does not know fails the build loudly, before anything is packed', async () => {
    const dir = scratchDir('atp-bad-config-');
    const config = join(dir, 'electron-builder.yml');
    writeFileSync(config, `${readFileSync(BUILDER_CONFIG, 'utf8')}\nincludeSubNodeModules: false\n`);
    const run = await runElectronBuilder({ electronDist: makeElectronDist(), outputDir: join(dir, 'out'), config });
    assert.notEqual(run.code, 0);
    assert.match(run.output, /configuration has an unknown property 'includeSubNodeModules'/);
    assert.equal(existsSync(join(dir, 'out', 'linux-unpacked')), false);
  });
});

describe('the desktop app packed for Linux (--linux dir)', () => {
  let build: LinuxDirBuild;
  let resources: string;
  before(async () => {
    build = await packLinuxDir();
    resources = join(build.dir, 'resources');
  });

  test('the project config validates and packs', () => {
    assert.equal(build.code, 0, build.output);
    assert.match(build.output, /using custom unpacked Electron distribution/);
    assert.ok(statSync(join(build.dir, LINUX_EXECUTABLE)).mode & 0o100, 'the executable is executable');
  });

  test('nothing was downloaded: no Electron zip, no builder tools', () => {
    assert.deepEqual(existsSync(build.downloadCache) ? filesUnder(build.downloadCache) : [], []);
  });

  test('app.asar holds the bundled main process, preload, renderer and package.json, and no node_modules', () => {
    const entries = listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) => p.replace(/\\/g, '/'));
    for (const file of ['/dist/main/main.cjs', '/dist/main/preload.cjs', '/dist/renderer/index.html', '/package.json']) {
      assert.ok(entries.includes(file), `${file} in app.asar`);
    }
    assert.deepEqual(entries.filter((p) => p.includes('node_modules')), []);
    assert.deepEqual(entries.filter((p) => p.endsWith('.map')), [], 'no source maps');
    const outside = entries.filter((p) => !p.startsWith('/dist/main') && !p.startsWith('/dist/renderer') && p !== '/package.json' && p !== '/dist');
    assert.deepEqual(outside, []);
    assert.deepEqual(readdirSync(resources).sort(), ['app.asar', 'demo-library', 'server']);
  });

  test('the server and the demo library ship beside app.asar', () => {
    assert.deepEqual(readdirSync(join(resources, 'server')), ['atp-server.mjs']);
    const library = readdirSync(join(resources, 'demo-library'));
    assert.ok(library.includes('01 Handshake.wav'));
    assert.deepEqual(library.sort(), readdirSync(resolve('assets/demo-library')).sort());
  });

  test('the afterPack hook turned RunAsNode and the --inspect arguments off, and left the other fuses as they were', async () => {
    const standIn = await getCurrentFuseWire(join(makeElectronDist(), 'electron'));
    assert.equal(standIn[FuseV1Options.RunAsNode], ON, 'the stand-in starts with Electron\'s defaults');
    const wire = await getCurrentFuseWire(join(build.dir, LINUX_EXECUTABLE));
    assert.equal(wire[FuseV1Options.RunAsNode], OFF);
    assert.equal(wire[FuseV1Options.EnableNodeCliInspectArguments], OFF);
    const others = [...DEFAULT_FUSES].map((c, i) => [i, c.charCodeAt(0)] as const).filter(([i]) => i !== FuseV1Options.RunAsNode && i !== FuseV1Options.EnableNodeCliInspectArguments);
    for (const [i, state] of others) assert.equal(wire[i as FuseV1Options], state, `fuse ${FuseV1Options[i]}`);
  });

  describe('the packaged server, started with plain node', () => {
    let server: ServerCommand;
    before(async () => {
      const stateDir = scratchDir('atp-packaged-state-');
      server = await startServerCommand(process.execPath, [join(resources, 'server', 'atp-server.mjs'), '--library', join(resources, 'demo-library'), '--no-auth', '--state-dir', stateDir]);
    });
    after(async () => {
      assert.equal(await server?.stop(), 0);
    });

    test('lists the packaged demo library', async () => {
      assert.match(await listTracks(server.port), /3 of 3 tracks/);
    });

    test('streams a demo track byte-exact', async () => {
      const pcm = await fetchPcm(server.port, 'Handshake');
      const source = wavData(resolve('assets/demo-library/01 Handshake.wav')).data;
      assert.equal(pcm.length, source.length);
      assert.ok(pcm.equals(source), 'the PCM equals the WAV file\'s samples');
    });
  });
});
