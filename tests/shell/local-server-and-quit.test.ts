/**
 * The built shell's local server, as a user drives it from the menu under the Electron stand-in: the bundled
 * server runs through utilityProcess.fork with an allowlisted environment; "Stop local server" stays stopped;
 * "Start local server…" on another folder connects without an error; the audio port carries a stream; quitting
 * stops the server the app started.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MessagePort } from 'node:worker_threads';
import { AUDIO_PORT_MESSAGE } from '../../src-shared/ipc/contract.js';
import type { AudioDownMessage } from '../../src-shared/ipc/audio-port.js';
import { REPO } from '../electron-stand-in/index.js';
import { launchShell, ok, waitFor, type LaunchedShell } from './shell-harness.js';

const DEMO = join(REPO, 'assets/demo-library');
const CANARY = 'ATP_SHELL_TEST_CANARY';

function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

describe('the shell: local server from the menu, audio port, quit (built main under the Electron stand-in)', () => {
  let shell: LaunchedShell;

  before(async () => {
    process.env[CANARY] = 'must not reach the server';
    shell = await launchShell();
  });

  after(async () => {
    delete process.env[CANARY];
    await shell?.quit();
  });

  const menu = (label: string) => shell.electron.Menu.getApplicationMenu()!.find(['Server', label]);
  const connection = () => shell.electron.BrowserWindow.getAllWindows().length && (shell.events.filter((e) => e.type === 'connection').at(-1) as { state: { status: string } } | undefined)?.state.status;

  it('starts the bundled server with utilityProcess.fork on the demo library, with only allowlisted variables', async () => {
    const session = await ok(shell.api.connectLocal(null));
    assert.equal(session.local, true);
    const [child] = shell.electron.utilityProcess.forked;
    assert.equal(child!.modulePath, join(REPO, 'dist/server/atp-server.mjs'));
    assert.equal(child!.args[child!.args.indexOf('--library') + 1], DEMO);
    const env = environOf(child!.pid!);
    assert.equal(env[CANARY], undefined, 'the app’s environment leaked into the server');
    assert.equal(env.ELECTRON_RUN_AS_NODE, undefined);
    assert.equal(typeof env.ATP_TOKEN, 'string');
    assert.ok(!child!.args.includes(env.ATP_TOKEN!), 'the token is not on the command line');
  });

  it('carries a stream over the audio port, and takes credit back up it', async () => {
    await ok(shell.api.openAudioPort(null));
    await waitFor(() => shell.page.posts.some((p) => p.message === AUDIO_PORT_MESSAGE), 'the audio port');
    const post = shell.page.posts.find((p) => p.message === AUDIO_PORT_MESSAGE)!;
    assert.equal(post.targetOrigin, '*');
    const port = post.ports[0] as unknown as MessagePort;
    const received: AudioDownMessage[] = [];
    port.on('message', (m: AudioDownMessage) => received.push(m));
    const list = await ok(shell.api.list({ query: 'handshake' }));
    const started = await ok(shell.api.play({ track: list.tracks[0]!.id }));
    await waitFor(() => received.some((m) => m.kind === 'pcm'), 'PCM on the port');
    const windowBytes = () => received.reduce((n, m) => n + (m.kind === 'pcm' ? m.pcm.byteLength : 0), 0);
    await new Promise((r) => setTimeout(r, 300));
    const before = windowBytes();
    // The page plays what it got and returns it as credit: the server sends about that much more.
    port.postMessage({ kind: 'consumed', streamId: started.streamId, epoch: started.epoch, bytes: before });
    await waitFor(() => windowBytes() >= before * 1.5, 'more PCM after the credit');
    assert.ok(received.every((m) => m.kind !== 'pcm' || m.streamId === started.streamId));
    await ok(shell.api.release({ streamId: started.streamId }));
  });

  it('“Stop local server” stops it, and it stays stopped and disconnected', async () => {
    const child = shell.electron.utilityProcess.forked[0]!;
    const exited = new Promise((r) => child.once('exit', r));
    await menu('Stop local server').click!(menu('Stop local server'), null, {});
    await exited;
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(connection(), 'disconnected');
    assert.equal(shell.electron.utilityProcess.forked.length, 1, 'a reconnect started the server again');
    const snapshot = await ok(shell.api.snapshot(null));
    assert.equal(snapshot.localServer.running, false);
    assert.equal(snapshot.connection.status, 'disconnected');
  });

  it('“Start local server…” on another folder serves it and connects, with no error', async () => {
    await ok(shell.api.connectLocal(null));
    const folder = mkdtempSync(join(tmpdir(), 'atp-shell-music-'));
    cpSync(join(DEMO, '02 Credit Window.wav'), join(folder, 'only.wav'));
    shell.electron.dialog.openAnswers.push({ canceled: false, filePaths: [folder] });
    const errorsBefore = shell.events.filter((e) => e.type === 'error').length;
    await menu('Start local server…').click!(menu('Start local server…'), null, {});
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(connection(), 'connected');
    assert.deepEqual(shell.events.filter((e) => e.type === 'error').slice(errorsBefore), []);
    const list = await ok(shell.api.list({}));
    assert.deepEqual(list.tracks.map((t) => t.path), ['only.wav']);
    const live = shell.electron.utilityProcess.forked.filter((c) => c.pid !== undefined);
    assert.equal(live.length, 1, 'one local server runs');
    assert.equal(live[0]!.args[live[0]!.args.indexOf('--library') + 1], folder);
  });

  it('quitting stops the local server before the app goes', async () => {
    const child = shell.electron.utilityProcess.forked.at(-1)!;
    assert.notEqual(child.pid, undefined);
    await shell.quit();
    assert.equal(shell.electron.app.quitted, true);
    assert.equal(child.pid, undefined, 'the server outlived the app');
  });
});
