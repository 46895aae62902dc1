// USERDATA against a real two-worker server: favourites and playlists from two devices, bad input, play time from
// what the client credits (PCM and original), usage rights, and quotas at LOGIN and PLAY.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { AtpError, FrameType, UserDataFunc, encodeFrame, frame, type TrackInfo } from '../../src-shared/protocol/index.js';
import { DEMO_LIBRARY, SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const PASSWORD = 'a password for tests';
const code = (c: string) => (e: AtpError) => e.code === c;

describe('USERDATA on a real server', () => {
  const library = mkdtempSync(join(tmpdir(), 'atp-userdata-lib-'));
  let server: RunningServer;
  let tracks: TrackInfo[];
  const clients: AtpClient[] = [];
  const login = async (user: string) => {
    const c = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    clients.push(c);
    const reply = await c.login({ user, password: PASSWORD, pageSize: 10 });
    return { c, reply };
  };
  const admin = (...args: string[]) => {
    const r = spawnSync(process.execPath, [SERVER_BIN, ...args, '--state-dir', server.stateDir], { encoding: 'utf8', input: `${PASSWORD}\n` });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };

  before(async () => {
    copyFileSync(join(DEMO_LIBRARY, '01 Handshake.wav'), join(library, '01 Handshake.wav'));
    copyFileSync('tests/fixtures/audio/flac16-stereo-44k.flac', join(library, '02 flac.flac'));
    copyFileSync('tests/fixtures/audio/mp3-cbr128-stereo-44k.mp3', join(library, '03 mp3.mp3'));
    server = await startServer({ library, users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD }, args: ['--workers', '2'] });
    const { reply } = await login('alice');
    tracks = reply.library.tracks;
    assert.equal(tracks.length, 3);
    assert.equal(reply.quota, undefined, 'no quota, none in the reply');
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    rmSync(library, { recursive: true, force: true });
  });

  test('favourites: add, list, remove', async () => {
    const { c } = await login('alice');
    assert.deepEqual(await c.favourites({ op: 'add', kind: 'track', id: tracks[0]!.id }), { changed: true });
    assert.deepEqual(await c.favourites({ op: 'add', kind: 'track', id: tracks[0]!.id }), { changed: false });
    await c.favourites({ op: 'add', kind: 'artist', id: 'artist-id' });
    assert.deepEqual((await c.favourites({ op: 'list', kind: 'track' })).favourites!.map((f) => f.id), [tracks[0]!.id]);
    assert.deepEqual(await c.favourites({ op: 'remove', kind: 'artist', id: 'artist-id' }), { changed: true });
  });

  test('a playlist edited from two devices: the stale change is refused with stale-revision, nothing merged', async () => {
    const { c: phone } = await login('alice');
    const { c: laptop } = await login('alice');
    const made = (await phone.playlists({ op: 'create', name: 'Mix', tracks: [tracks[0]!.id] })).playlist!;
    const seen = (await laptop.playlists({ op: 'get', id: made.id })).playlist!;
    assert.equal(seen.revision, 1);
    await phone.playlists({ op: 'add', id: made.id, revision: 1, tracks: [tracks[1]!.id] });
    await assert.rejects(laptop.playlists({ op: 'remove', id: made.id, revision: 1, positions: [0] }), code('stale-revision'));
    assert.ok((await laptop.ping()) >= 0, 'the connection lives on');
    const now = (await laptop.playlists({ op: 'get', id: made.id })).playlist as { tracks: string[]; revision: number };
    assert.deepEqual(now.tracks, [tracks[0]!.id, tracks[1]!.id]);
    await laptop.playlists({ op: 'move', id: made.id, revision: now.revision, from: 1, to: 0 });
    assert.deepEqual(((await phone.playlists({ op: 'get', id: made.id })).playlist as { tracks: string[] }).tracks, [tracks[1]!.id, tracks[0]!.id]);
    const { c: bob } = await login('bob');
    await assert.rejects(bob.playlists({ op: 'get', id: made.id }), code('unknown-playlist'));
  });

  test('bad input is refused with a precise code and the connection serves on', async () => {
    const { c } = await login('carol');
    const raw = (func: number, payload: string) =>
      c.request(frame({ type: FrameType.USERDATA, func, uid: c.uid, payload: new TextEncoder().encode(payload) }), () => 'answered');
    await assert.rejects(raw(UserDataFunc.PLAYLISTS, '{"op":"explode"}'), code('bad-payload'));
    await assert.rejects(raw(UserDataFunc.PLAYLISTS, 'not json'), code('bad-payload'));
    await assert.rejects(raw(UserDataFunc.FAVOURITES, '{"op":"add","kind":"song","id":"x"}'), code('bad-payload'));
    await assert.rejects(raw(UserDataFunc.PLAYLISTS, '{"op":"rename","id":"p","revision":0,"name":"x"}'), code('bad-payload'));
    await assert.rejects(raw(UserDataFunc.HISTORY, '{"view":"forever"}'), code('bad-payload'));
    await assert.rejects(raw(UserDataFunc.USAGE, '{"from":"2031-13-01"}'), code('bad-payload'));
    await assert.rejects(raw(9, '{}'), code('unknown-func'));
    const tooMany = Array.from({ length: 10_001 }, (_, i) => `t${i}`);
    await assert.rejects(c.playlists({ op: 'create', name: 'Too long', tracks: tooMany }), code('bad-payload'));
    await assert.rejects(c.usage({ user: 'alice' }), code('forbidden'), 'a listener reads only their own usage');
    assert.equal(encodeFrame(frame({ type: FrameType.USERDATA, func: 0, uid: c.uid, payload: null })).length, 8);
    assert.deepEqual((await c.playlists({ op: 'list' })).playlists, []);
  });

  test('play time is what the client credited: a whole track, in PCM and original, and half a track', async () => {
    const { c } = await login('bob');
    const whole = await fetchTrack(c, tracks[0]!.id, { write: () => {} });
    const flac = await fetchTrack(c, tracks[1]!.id, { write: () => {}, encoding: 'original' });
    const mp3 = await fetchTrack(c, tracks[2]!.id, { write: () => {}, encoding: 'original' });
    const seconds = (r: typeof whole) => r.format.totalFrames / r.format.sampleRate;
    // Half of the WAV: a window of half its bytes, all of it credited, then torn down.
    const stream = await c.setup(tracks[0]!.id, { window: Math.floor(whole.format.totalFrames / 2) * whole.format.bytesPerFrame });
    let got = 0;
    stream.on('data', (chunk) => {
      got += chunk.pcm.length;
      stream.credit(chunk.pcm.length);
    });
    await stream.play({ positionMs: 0 });
    await waitFor(() => got >= whole.format.totalFrames * whole.format.bytesPerFrame * 0.75, 'three quarters arrived');
    await stream.pause();
    await stream.teardown();
    const creditedSeconds = got / whole.format.bytesPerFrame / whole.format.sampleRate;
    const h = await c.history({ view: 'plays' });
    assert.equal(h.total, 4);
    // Newest first, by when each stream's first PLAY came.
    const recorded = h.items.map((i) => [i.track, i.seconds] as const);
    const expected = [[tracks[0]!.id, creditedSeconds], [tracks[2]!.id, seconds(mp3)], [tracks[1]!.id, seconds(flac)], [tracks[0]!.id, seconds(whole)]] as const;
    recorded.forEach(([track, s], i) => {
      assert.equal(track, expected[i]![0]);
      assert.ok(Math.abs(s - expected[i]![1]) <= 0.002, `play ${i}: ${s} s recorded, ${expected[i]![1]} s credited`);
    });
    assert.ok(h.items.every((i) => i.startedAt <= i.lastPlayedAt && i.startedAt > Date.now() - 60_000));
    const counts = await c.history({ view: 'counts' });
    assert.deepEqual(counts.items.map((i) => [i.track, i.plays]), [[tracks[0]!.id, 2], [tracks[2]!.id, 1], [tracks[1]!.id, 1]]);
    const usage = await c.usage();
    assert.ok(Math.abs(usage.totalSeconds - expected.reduce((a, [, s]) => a + s, 0)) <= 0.01);
    const { c: alice } = await login('alice');
    const asAdmin = await alice.usage({ user: 'bob' });
    assert.equal(asAdmin.totalSeconds, usage.totalSeconds, 'an admin reads anyone\'s usage');
    assert.match(admin('usage', '--user', 'bob', '--csv'), /^user,day,seconds\nbob,\d{4}-\d\d-\d\d,\d+\.\d{3}\n$/);
  });

  test('a quota: LOGIN tells what is left, PLAY is refused once it is spent', async () => {
    admin('user', 'quota', 'carol', '--monthly-minutes', '1');
    const { reply } = await login('carol');
    assert.equal(reply.quota?.monthlyMinutes, 1);
    assert.equal(reply.quota?.remainingSeconds, 60);
    admin('user', 'quota', 'carol', '--monthly-minutes', '0');
    const { c, reply: spent } = await login('carol');
    assert.equal(spent.quota?.remainingSeconds, 0);
    const stream = await c.setup(tracks[0]!.id, { window: 65536 });
    await assert.rejects(stream.play({ positionMs: 0 }), code('quota-exceeded'));
    admin('user', 'quota', 'carol', '--monthly-minutes', 'none');
    await stream.play({ positionMs: 0 });
    assert.match(admin('user', 'add', 'dave', '--monthly-minutes', '30', '--password-stdin'), /added dave/);
  });
});
