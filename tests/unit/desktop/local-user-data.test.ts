/**
 * The desktop's own server keeps its owner's user data: the token login is the built-in account, so favourites and
 * playlists made on first start (no account ever added) are kept, across a restart of the server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { LocalServer } from '../../../src-main/desktop/local-server.js';
import { Settings } from '../../../src-main/desktop/settings.js';
import { DEMO_LIBRARY, SERVER_SCRIPT } from './atp-server-process.js';

describe('user data on the desktop’s own server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atp-local-userdata-'));
  const controllers: DesktopController[] = [];
  const servers: LocalServer[] = [];

  function rig() {
    const local = new LocalServer({ serverScript: SERVER_SCRIPT, stateDir: join(dir, 'state'), logFile: join(dir, 'server.log') });
    const controller = new DesktopController({ settings: new Settings(null, null), localServer: local, demoLibrary: DEMO_LIBRARY });
    servers.push(local);
    controllers.push(controller);
    return controller;
  }

  after(async () => {
    for (const c of controllers) await c.dispose();
    for (const s of servers) await s.stop();
  });

  it('keeps favourites and playlists for the token’s holder, and keeps them across a restart', async () => {
    const first = rig();
    const session = await first.handlers.connectLocal(null);
    assert.equal(session.user, 'local');
    const track = (await first.handlers.list({ query: 'handshake' })).tracks[0]!;
    await first.handlers.favourites({ op: 'add', kind: 'track', id: track.id });
    const listed = await first.handlers.favourites({ op: 'list' });
    assert.deepEqual(listed.favourites?.map((f) => f.id), [track.id]);
    const list = await first.handlers.playlists({ op: 'create', name: 'Mine' });
    assert.ok(JSON.stringify(list).includes('Mine'));
    await first.dispose();
    await servers[0]!.stop();

    const again = rig();
    await again.handlers.connectLocal(null);
    const kept = await again.handlers.favourites({ op: 'list' });
    assert.deepEqual(kept.favourites?.map((f) => f.id), [track.id], 'the favourite outlived the server');
    assert.ok(JSON.stringify(await again.handlers.playlists({ op: 'list' })).includes('Mine'), 'and the playlist');
  });
});
