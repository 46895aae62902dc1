/**
 * The same journey through Playwright's Electron support: the packaged shape of the app (main, preload, the
 * atp-app:// renderer, the contract over real IPC) against a real atp-server. Runs where an Electron binary is
 * installed; elsewhere it is skipped and says why. The binary is looked for without require('electron'), which
 * would try to download one.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { DEMO_LIBRARY, REPO, startServer, type RunningServer } from '../unit/desktop/atp-server-process.js';
import { armTap, connectTo, screenshot, waitForPlayer } from './journey-page.js';
import { checksumFrames, readWav } from './wav-samples.js';

function electronBinary(): string | null {
  const dir = join(REPO, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8');
  const full = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(dir, 'dist', relative);
  return existsSync(full) ? full : null;
}

const binary = electronBinary();
const built = existsSync(join(REPO, 'dist/main/main.cjs')) && existsSync(join(REPO, 'dist/renderer/index.html'));
const skipReason =
  binary === null
    ? 'no Electron binary on this machine: node_modules/electron has no dist/ (it could not be downloaded here)'
    : !built
      ? 'build first: node scripts/build.mjs'
      : null;

// The runner counts skipped tests, not skipped suites: a skipped describe would leave the summary at "skipped 0".
if (skipReason !== null) test('desktop journey in Electron', { skip: skipReason }, () => {});
else describe('desktop journey in Electron', () => {
  let server: RunningServer;
  let app: ElectronApplication;
  let page: Page;
  const wav = readWav(join(DEMO_LIBRARY, '01 Handshake.wav'));

  before(async () => {
    server = await startServer();
    // A fresh profile: no recent servers, so the app would start its own local server; we log in elsewhere.
    const userData = mkdtempSync(join(tmpdir(), 'atp-electron-'));
    app = await _electron.launch({ executablePath: binary!, args: [REPO, `--user-data-dir=${userData}`, '--no-sandbox'] });
    page = await app.firstWindow();
  });

  after(async () => {
    await app?.close();
    await server?.stop();
  });

  it('exposes only the contract to the page, and no Node', async () => {
    const globals = await page.evaluate(() => ({
      require: typeof (window as any).require,
      process: typeof (window as any).process,
      api: Object.keys((window as any).atp ?? {}).sort(),
    }));
    assert.equal(globals.require, 'undefined');
    assert.equal(globals.process, 'undefined');
    assert.ok(globals.api.includes('play') && globals.api.includes('onEvent'));
  });

  it('starts on the local demo server by itself, then connects to another server from the connect screen', async () => {
    await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 30000 });
    await connectTo(page, `127.0.0.1:${server.port}`);
    await page.locator('.track-row[data-track-id]').nth(2).waitFor();
    await screenshot(page, 'electron-library');
  });

  it('plays the track’s own samples', async () => {
    await page.evaluate((r) => (window as any).atpApp.engine.prepare(r), wav.sampleRate);
    const heard = await armTap(page, 0, wav.sampleRate / 2);
    await page.locator('.track-row', { hasText: 'Handshake' }).locator('.col-title').click();
    const report = await heard();
    assert.equal(report.firstFrame, 0);
    assert.equal(report.checksum, checksumFrames(wav, 0, wav.sampleRate / 2));
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().status === 'playing', null);
  });
});
