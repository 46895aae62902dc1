// Packs the desktop app with electron-builder (`--linux dir`) without Electron's download: a stand-in Electron
// folder takes the place of the real one (electronDist). The stand-in cannot run an app, but it has the files
// electron-builder copies and Electron's fuse wire, so the afterPack hook really flips fuses that can be read back.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ELECTRON_VERSION = (JSON.parse(readFileSync(resolve('node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const ELECTRON_BUILDER_CLI = resolve('node_modules/electron-builder/cli.js');
export const BUILDER_CONFIG = resolve('electron-builder.yml');
/** What `npm run build` makes and the package needs; packing without it would ship an app that cannot start. */
export const BUILT_FILES = ['dist/main/main.cjs', 'dist/main/preload.cjs', 'dist/renderer/index.html', 'dist/server/atp-server.mjs'];
/** The executable's name in the packed folder: electron-builder names it after package.json's name on Linux. */
export const LINUX_EXECUTABLE = 'atp-player';

// @electron/fuses finds the wire by this sentinel; after it come the wire's version (1), its length, and one ASCII
// byte per fuse ('0' off, '1' on). The states are Electron's defaults (build/fuses/fuses.json5 in electron/electron):
// runAsNode, cookieEncryption, nodeOptions, nodeCliInspect, embeddedAsarIntegrityValidation, onlyLoadAppFromAsar,
// loadBrowserProcessSpecificV8Snapshot, grantFileProtocolExtraPrivileges.
const madeDirs: string[] = [];
process.once('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder that goes when the test process exits (the packed app must outlive any one test). */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
export const DEFAULT_FUSES = '10110001';

/** Writes a stand-in Electron distribution into `dir` (made if missing) and returns `dir`. */
export function makeElectronDist(dir: string = tempDir('atp-electron-dist-')): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const script = [
    '#!/bin/sh',
    '# A stand-in for the Electron binary, for packaging tests: it carries the fuse wire and runs nothing.',
    `echo "stand-in for Electron ${ELECTRON_VERSION}: it cannot run the app" >&2`,
    'exit 1',
    '',
  ].join('\n');
  const wire = Buffer.concat([Buffer.from(`# ${FUSE_SENTINEL}`, 'latin1'), Buffer.from([1, DEFAULT_FUSES.length]), Buffer.from(`${DEFAULT_FUSES}\n`, 'latin1')]);
  writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from(script, 'utf8'), wire]));
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), ELECTRON_VERSION);
  writeFileSync(join(dir, 'LICENSE'), readFileSync(resolve('node_modules/electron/LICENSE')));
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>Chromium licenses (stand-in)</title>\n');
  return dir;
}

export interface BuilderRun {
  code: number;
  /** stdout and stderr together, in the order they came. */
  output: string;
  /** Where electron-builder was told to cache what it downloads (Electron zips, packaging tools): anything in it was downloaded. */
  downloadCache: string;
}

/** Runs electron-builder's CLI as `npm run dist` does, for Linux `dir`, into `outputDir`. Never throws on failure. */
export function runElectronBuilder(options: { electronDist: string; outputDir: string; config?: string }): Promise<BuilderRun> {
  const args = [
    ELECTRON_BUILDER_CLI,
    '--linux', 'dir',
    '--config', options.config ?? BUILDER_CONFIG,
    `-c.electronDist=${options.electronDist}`,
    `-c.directories.output=${options.outputDir}`,
  ];
  const downloadCache = tempDir('atp-builder-cache-');
  const env = { ...process.env, ELECTRON_BUILDER_CACHE: join(downloadCache, 'electron-builder') };
  return new Promise((res) => {
    const child = execFile(process.execPath, args, { env, maxBuffer: 16 * 1024 * 1024 }, (err) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: chunks.join(''), downloadCache });
    });
    const chunks: string[] = [];
    child.stdout!.on('data', (d: Buffer) => chunks.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
  });
}

export interface LinuxDirBuild extends BuilderRun {
  /** OUT/linux-unpacked: the executable, resources/app.asar, resources/server, resources/demo-library. */
  dir: string;
}

let linuxDirBuild: Promise<LinuxDirBuild> | undefined;

/** Packs the app with `--linux dir` once per process, from the current `npm run build` output. */
export function packLinuxDir(): Promise<LinuxDirBuild> {
  linuxDirBuild ??= (async () => {
    const missing = BUILT_FILES.filter((f) => !existsSync(resolve(f)));
    if (missing.length > 0) throw new Error(`run \`npm run build\` first: missing ${missing.join(', ')}`);
    const outputDir = tempDir('atp-dist-');
    const run = await runElectronBuilder({ electronDist: makeElectronDist(), outputDir });
    if (run.code !== 0) throw new Error(`electron-builder --linux dir failed (exit ${run.code}):\n${run.output}`);
    return { ...run, dir: join(outputDir, 'linux-unpacked') };
  })();
  return linuxDirBuild;
}

/** The unpacked folder of the packed app (see packLinuxDir). */
export async function buildLinuxDir(): Promise<string> {
  return (await packLinuxDir()).dir;
}
