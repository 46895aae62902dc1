/**
 * The desktop journey in Debian's Chromium, through the app's own shell: the built main process under the Electron
 * stand-in, the built preload in the page, the real ipc-handlers (sender check included) and controller, the
 * bundled local server started through utilityProcess.fork, and a real atp-server process to connect to. What is
 * heard is checked through the tap worklet's checksums against the WAV files, not by looking at the UI.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { DEMO_LIBRARY, REPO, TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from '../unit/desktop/atp-server-process.js';
import { assertAppBuilt, launchDesktopApp, type DesktopApp } from './desktop-app.js';
import { armTap, playerView, screenshot, waitForPlayer } from './journey-page.js';
import { checksumFrames, readWav } from './wav-samples.js';

const TRACK = 'Handshake';
const wav = readWav(join(DEMO_LIBRARY, '01 Handshake.wav'));
const rate = wav.sampleRate;

describe('desktop journey (Chromium, the built shell under the Electron stand-in, real servers)', () => {
  let server: RunningServer;
  let app: DesktopApp;
  let page: Page;

  before(async () => {
    assertAppBuilt();
    server = await startServer();
    app = await launchDesktopApp();
    page = app.page;
  });

  after(async () => {
    await app?.close();
    await server?.stop();
  });

  it('on first start, launches the bundled server on the demo library and logs in by itself', async () => {
    await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 20000 });
    await page.locator('.track-row[data-track-id]').nth(2).waitFor();
    const [local] = app.electron.utilityProcess.forked;
    assert.equal(local!.modulePath, join(REPO, 'dist/server/atp-server.mjs'));
    assert.equal(local!.args[local!.args.indexOf('--library') + 1], DEMO_LIBRARY);
    assert.ok(page.url().startsWith('http://127.0.0.1:'), 'the page runs on the host that stands in for atp-app://');
    assert.equal(app.electron.BrowserWindow.getAllWindows()[0]!.webContents.getURL(), 'atp-app://renderer/index.html');
    await screenshot(page, '00-local-server');
    await page.getByRole('button', { name: 'Change server' }).click();
  });

  async function logIn(password: string): Promise<void> {
    await page.getByLabel('Server address').fill(`127.0.0.1:${server.port}`);
    await page.getByLabel('User').fill(TEST_USER);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Connect' }).click();
  }

  it('says in words that the password is wrong', async () => {
    await logIn('not the password');
    await page.getByRole('alert').filter({ hasText: 'The user name or password is wrong.' }).waitFor();
    await screenshot(page, '01-login-error');
  });

  it('logs in and lists the library', async () => {
    await logIn(TEST_PASSWORD);
    await page.locator('.track-row[data-track-id]').nth(2).waitFor();
    assert.equal(await page.locator('.track-row[data-track-id]').count(), 3);
    assert.match(await page.getByTestId('connection-status').innerText(), /Connected to 127\.0\.0\.1:\d+ as listener/);
    await screenshot(page, '02-library');
  });

  it('searches on the server', async () => {
    await page.keyboard.press('Control+F');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'search');
    await page.keyboard.type('credit');
    await page.waitForFunction(() => document.querySelectorAll('.track-row[data-track-id]').length === 1);
    assert.match(await page.locator('.track-row[data-track-id]').innerText(), /Credit Window/);
    await screenshot(page, '03-search');
    await page.getByLabel('Search title, artist, album').fill('');
    await page.waitForFunction(() => document.querySelectorAll('.track-row[data-track-id]').length === 3);
  });

  it('plays: the samples rendered are the track’s own, from the first frame', async () => {
    // The graph exists before the click so the tap can be armed for frame 0.
    await page.evaluate((r) => (window as any).atpApp.engine.prepare(r), rate);
    const fromStart = await armTap(page, 0, rate / 2);
    await page.locator('.track-row', { hasText: TRACK }).locator('.col-title').click();
    const first = await fromStart();
    assert.deepEqual(first, { kind: 'tap', firstFrame: 0, frames: rate / 2, checksum: checksumFrames(wav, 0, rate / 2), discontinuities: 0 });
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().status === 'playing' && (window as any).atpApp.player.getState().positionMs > 600, null);
    assert.equal(await page.getByTestId('np-title').innerText(), 'Handshake');
    await screenshot(page, '04-now-playing');
  });

  it('pause stops the position; play goes on from it', async () => {
    await page.getByTestId('play-pause').click();
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().status === 'paused', null);
    const frameAt = () => page.evaluate(() => (window as any).atpApp.player.getState().positionMs as number);
    await page.waitForTimeout(300); // the fade-out and the last report
    const paused = await frameAt();
    await page.waitForTimeout(700);
    assert.equal(await frameAt(), paused, 'the position moved while paused');
    await page.keyboard.press('Space');
    await waitForPlayer(page, (p) => (window as any).atpApp.player.getState().status === 'playing' && (window as any).atpApp.player.getState().positionMs > p + 300, paused);
  });

  it('seek lands within 20 ms of the target, and plays the track’s samples from there', async () => {
    // Far from where the track is playing, so that the audio before the seek cannot pass the target (and start the
    // tap) while the seek is on its way: 2.5 s ahead, or 1.5 s back near the end of the 8 s track.
    const nowMs = await page.evaluate(() => (window as any).atpApp.player.getState().positionMs as number);
    const targetMs = Math.round(nowMs + 2500 <= 6000 ? nowMs + 2500 : nowMs - 1500);
    const target = (targetMs * rate) / 1000;
    const tolerance = (20 * rate) / 1000;
    const heard = await armTap(page, target - tolerance, rate / 4, target + tolerance);
    await page.getByLabel('position').fill(String(targetMs));
    const report = await heard();
    assert.ok(Math.abs(report.firstFrame - target) <= tolerance, `first frame after the seek is ${report.firstFrame}, target ${target}`);
    assert.equal(report.discontinuities, 0);
    assert.equal(report.checksum, checksumFrames(wav, report.firstFrame, rate / 4));
    await screenshot(page, '05-seeked');
  });

  it('shows “disconnected” when the server dies, and resumes the track where it was when it is back', async () => {
    const before = await playerView(page);
    await server.kill();
    const status = page.getByTestId('connection-status');
    await status.filter({ hasText: 'Disconnected' }).waitFor();
    const positionAtDrop = (await playerView(page)).positionMs;
    await screenshot(page, '06-disconnected');
    server = await startServer({ stateDir: server.stateDir, port: server.port });
    await page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: 20000 });
    await waitForPlayer(page, (id) => (window as any).atpApp.player.getState().stream?.streamId !== id && (window as any).atpApp.player.getState().status === 'playing', before.streamId);
    const resumed = await playerView(page);
    const resumedMs = (resumed.startFrame! * 1000) / rate;
    assert.ok(resumedMs >= positionAtDrop - 100, `resumed at ${resumedMs} ms, the drop was at ${positionAtDrop} ms`);
    // What plays after the reconnect is the track's own audio, frame for frame.
    const from = Math.round(((resumed.positionMs + 300) * rate) / 1000);
    const report = await (await armTap(page, from, rate / 4))();
    assert.equal(report.discontinuities, 0);
    assert.equal(report.checksum, checksumFrames(wav, report.firstFrame, rate / 4));
    await screenshot(page, '07-reconnected');
  });

  it('plays the next track of the queue without a gap: the last frames of one, then the first of the next', async () => {
    const total = wav.samples.length / wav.channels;
    const edge = rate / 20;
    const underrunsBefore = (await playerView(page)).underruns;
    await page.evaluate(async () => {
      const a = (window as any).atpApp;
      const t = a.library.getState().rows.find((r: any) => r?.title === 'Handshake');
      await a.player.getState().playTracks([t, t], 0);
      await a.player.getState().seek(6000);
    });
    const report = await (await armTap(page, total - edge, 2 * edge, total))();
    assert.equal(report.firstFrame, total - edge);
    assert.equal(report.discontinuities, 1, 'the frame numbers start again once, at the boundary');
    assert.equal(report.checksum, checksumFrames(wav, 0, edge, checksumFrames(wav, total - edge, edge)));
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().index === 1, null);
    assert.equal((await playerView(page)).underruns, underrunsBefore, 'no underrun across the boundary');
  });

  it('follows the system’s dark theme', async () => {
    const light = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.notEqual(dark, light);
    await screenshot(page, '08-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
