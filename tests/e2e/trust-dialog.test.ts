/**
 * Trust in the desktop app as people meet it, in Chromium through the real shell (tests/e2e/desktop-app.ts), against
 * real servers listening on every address and reached through a non-loopback address of this machine, so the app
 * encrypts as it would across a network: first contact asks "Trust this server?" with the fingerprint that
 * `atp-server fingerprint` prints; Trust connects; another server on the same address (a changed certificate)
 * meets the reconnect with the warning of interception and no LOGIN; forgetting the identity in the trusted servers'
 * list makes the next connection ask again; Cancel leaves it disconnected without an error.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { launchDesktopApp, type DesktopApp } from './desktop-app.js';
import { connectTo, screenshot } from './journey-page.js';

const USER = 'ana';
const PASSWORD = 'ana-password';
const LAN = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
const fingerprintOf = (stateDir: string) => spawnSync(process.execPath, [SERVER_BIN, 'fingerprint', '--state-dir', stateDir], { encoding: 'utf8' }).stdout.trim();
const logins = (s: RunningServer) => s.logs.filter((l) => ['login', 'login-failed', 'login-in-clear-refused'].includes(l.event as string)).length;
const serverOn = (port = 0) => startServer({ users: { [USER]: PASSWORD }, args: ['--host', '0.0.0.0', '--port', String(port), '--workers', '1'] });

describe('trust in the desktop app (Chromium, the built shell, real TLS servers)', { skip: LAN ? false : 'this machine has no non-loopback IPv4 address to connect through' }, () => {
  let server: RunningServer;
  let app: DesktopApp;
  let page: Page;
  let fingerprint: string;
  let address: string;

  before(async () => {
    assert.ok(existsSync(SERVER_BIN) && existsSync('dist/renderer/index.html') && existsSync('dist/main/main.cjs'), 'build first: node scripts/build.mjs server main renderer');
    server = await serverOn();
    fingerprint = fingerprintOf(server.stateDir);
    address = `${LAN}:${server.port}`;
    app = await launchDesktopApp();
    page = app.page;
    await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 20000 });
  });
  after(async () => {
    await app?.close();
    await server?.stop();
  });

  async function connect(): Promise<void> {
    await connectTo(page, address, USER, PASSWORD);
  }

  it('first contact shows "Trust this server?" with the fingerprint and host:port; Trust connects and pins it', async () => {
    await connect();
    const dialog = page.getByRole('dialog', { name: 'Trust this server?' });
    await dialog.waitFor({ timeout: 15000 });
    assert.equal(await dialog.getByTestId('trust-fingerprint').innerText(), fingerprint);
    assert.ok((await dialog.innerText()).includes(address));
    assert.equal(logins(server), 0, 'no password was sent before the answer');
    await screenshot(page, 'trust-01-question');
    await dialog.getByRole('button', { name: 'Trust' }).click();
    await page.getByTestId('connection-status').filter({ hasText: `Connected to ${address} as ${USER}` }).waitFor({ timeout: 15000 });
    assert.equal(await page.getByRole('dialog', { name: 'Trust this server?' }).count(), 0);
    await page.locator('.track-row[data-track-id]').first().waitFor({ timeout: 15000 });
    const settings = JSON.parse(readFileSync(join(app.electron.app.getPath('userData'), 'settings.json'), 'utf8')) as { pinned: unknown };
    assert.deepEqual(settings.pinned, [{ host: LAN, port: server.port, fingerprint }]);
  });

  it('a changed certificate meets the reconnect with the warning of interception, and no LOGIN', async () => {
    const port = server.port;
    await server.stop();
    server = await serverOn(port);
    const other = fingerprintOf(server.stateDir);
    const warning = page.getByRole('alertdialog');
    await warning.waitFor({ timeout: 20000 });
    const text = await warning.innerText();
    assert.match(text, /Someone may be intercepting this connection/);
    assert.ok(text.includes(address));
    assert.equal(await warning.getByTestId('identity-pinned').innerText(), fingerprint);
    assert.equal(await warning.getByTestId('identity-now').innerText(), other);
    assert.equal(await warning.getByRole('button', { name: 'Trust' }).count(), 0, 'no one-click re-trust');
    assert.equal(await page.getByTestId('connection-status').getAttribute('data-status'), 'disconnected');
    assert.equal(logins(server), 0);
    await screenshot(page, 'trust-02-warning');
    await warning.getByRole('button', { name: 'Close' }).click();
    await page.waitForTimeout(1000);
    assert.equal(logins(server), 0, 'it stopped reconnecting');
    assert.equal(await page.getByRole('alertdialog').count(), 0);
    fingerprint = other;
  });

  it('forgetting the identity in the trusted servers makes the next connection ask again; Cancel shows no error', async () => {
    await page.getByRole('button', { name: 'Change server' }).click();
    await page.getByTestId('trusted-servers').waitFor();
    await page.getByRole('button', { name: `Forget the identity of ${address}` }).click();
    await page.getByTestId('trusted-servers').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await connect();
    const dialog = page.getByRole('dialog', { name: 'Trust this server?' });
    await dialog.waitFor({ timeout: 15000 });
    assert.equal(await dialog.getByTestId('trust-fingerprint').innerText(), fingerprint);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('alert').count(), 0, 'no error shown as a failure');
    // Back on the connect screen it came from, disconnected.
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    const status = await page.evaluate(() => (window as unknown as { atpApp: { connection: { getState(): { connection: { status: string } } } } }).atpApp.connection.getState().connection.status);
    assert.equal(status, 'disconnected');
    assert.equal(logins(server), 0);
  });
});
