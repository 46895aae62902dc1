/**
 * The packed app (`--linux dir` with the stand-in Electron folder) run as Electron would run it, under the Electron
 * stand-in: main.cjs from inside app.asar, packaged paths from process.resourcesPath. The renderer is read from
 * inside app.asar through the real atp-app:// handler with the CSP docs/DESKTOP.md quotes, and the packaged
 * server, started through utilityProcess.fork, serves the packaged demo library.
 */
import { extractFile } from '@electron/asar';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../electron-stand-in/index.js';
import { buildLinuxDir } from '../helpers/electron-dist.js';
import { launchShell, ok, type LaunchedShell } from '../shell/shell-harness.js';

/** The policy docs/DESKTOP.md states, from its line `Content-Security-Policy: …`. */
function documentedPolicy(): string {
  const match = /^\s*Content-Security-Policy: (.+)$/m.exec(readFileSync(join(REPO, 'docs/DESKTOP.md'), 'utf8'));
  assert.ok(match, 'docs/DESKTOP.md quotes the Content-Security-Policy on a line of its own');
  return match[1]!.trim();
}

function metaPolicy(html: string): string | null {
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  return match ? match[1]!.trim() : null;
}

describe('the packed app under the Electron stand-in', () => {
  let resources: string;
  let shell: LaunchedShell;

  before(async () => {
    resources = join(await buildLinuxDir(), 'resources');
    shell = await launchShell({ packaged: { resourcesPath: resources }, mainPath: join(resources, 'app.asar/dist/main/main.cjs') });
  });

  after(async () => {
    await shell?.quit();
  });

  it('loads its preload from inside app.asar', () => {
    const win = shell.electron.BrowserWindow.getAllWindows()[0]!;
    assert.equal(win.options.webPreferences!.preload, join(resources, 'app.asar/dist/main/preload.cjs'));
    assert.ok(shell.api.snapshot, 'the packed preload exposed the API');
  });

  it('serves the renderer out of app.asar, with the CSP docs/DESKTOP.md quotes', async () => {
    const response = await shell.electron.protocol.request('atp-app://renderer/index.html');
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.equal(html, extractFile(join(resources, 'app.asar'), 'dist/renderer/index.html').toString('utf8'));
    assert.equal(metaPolicy(html), documentedPolicy());
    const script = /<script[^>]+src="\.?\/?([^"]+)"/.exec(html)![1]!;
    const js = await shell.electron.protocol.request(`atp-app://renderer/${script}`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript');
    assert.equal((await shell.electron.protocol.request('atp-app://renderer/../app.asar.unpacked/x')).status, 404);
  });

  it('starts the packaged server through utilityProcess.fork and plays the packaged demo library', async () => {
    const session = await ok(shell.api.connectLocal(null));
    assert.equal(session.local, true);
    const [child] = shell.electron.utilityProcess.forked;
    assert.equal(child!.modulePath, join(resources, 'server/atp-server.mjs'));
    assert.equal(child!.args[child!.args.indexOf('--library') + 1], join(resources, 'demo-library'));
    const list = await ok(shell.api.list({}));
    assert.ok(list.tracks.some((t) => t.title === 'Handshake'));
  });
});
