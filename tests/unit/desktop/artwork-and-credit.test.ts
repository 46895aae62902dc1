/**
 * What the page may get and may claim: cover art only of the raster types the app shows, and credit no larger than
 * the PCM it was actually sent. Against a real atp-server on real files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_CONSUMED_BYTES, isAudioUpMessage, type AudioDownMessage } from '../../../src-shared/ipc/audio-port.js';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { windowBytes } from '../../../src-main/desktop/playback-session.js';
import { Settings } from '../../../src-main/desktop/settings.js';
import { DEMO_LIBRARY, REPO, TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from './atp-server-process.js';

/** A FLAC fixture with its pictures replaced by one front cover of the given type. */
function flacWithCover(mime: string, image: Buffer): Buffer {
  const src = readFileSync(join(REPO, 'tests/fixtures/audio/flac16-stereo-44k.flac'));
  const blocks: Buffer[] = [];
  let at = 4;
  for (;;) {
    const header = src[at]!;
    const length = src.readUIntBE(at + 1, 3);
    if ((header & 0x7f) !== 6) blocks.push(Buffer.from(src.subarray(at, at + 4 + length)));
    at += 4 + length;
    if (header & 0x80) break;
  }
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  const body = Buffer.concat([u32(3), u32(mime.length), Buffer.from(mime), u32(0), u32(1), u32(1), u32(24), u32(0), u32(image.length), image]);
  const picture = Buffer.concat([Buffer.from([6, body.length >>> 16, (body.length >>> 8) & 255, body.length & 255]), body]);
  // Insert after STREAMINFO; the last block keeps its "last" flag.
  return Buffer.concat([src.subarray(0, 4), blocks[0]!, picture, ...blocks.slice(1), src.subarray(at)]);
}

const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

describe('what the page may get and claim', () => {
  let server: RunningServer;
  let covers: RunningServer;
  before(async () => {
    const library = mkdtempSync(join(tmpdir(), 'atp-covers-'));
    writeFileSync(join(library, 'svg cover.flac'), flacWithCover('image/svg+xml', SVG));
    writeFileSync(join(library, 'html cover.flac'), flacWithCover('text/html', Buffer.from('<p>hi</p>')));
    writeFileSync(join(library, 'png cover.flac'), flacWithCover('image/png', readFileSync(join(DEMO_LIBRARY, 'cover.png'))));
    [server, covers] = await Promise.all([startServer(), startServer({ library })]);
  });
  after(async () => {
    await Promise.all([server?.stop(), covers?.stop()]);
  });

  async function connected(port: number): Promise<DesktopController> {
    const c = new DesktopController({ settings: new Settings(null, null) });
    await c.handlers.connect({ host: '127.0.0.1', port, user: TEST_USER, password: TEST_PASSWORD, remember: false });
    return c;
  }

  it('answers cover art only for jpeg, png, webp and gif: an SVG or any other type is null', async () => {
    const c = await connected(covers.port);
    const { tracks } = await c.handlers.list({});
    const byName = (name: string) => tracks.find((t) => t.path.startsWith(name))!;
    assert.equal(tracks.length, 3);
    for (const name of ['svg', 'html']) {
      assert.ok(byName(name).artwork, `${name}: the server says it has a cover`);
      assert.equal(await c.handlers.artwork({ track: byName(name).id }), null, `${name}: not shown`);
    }
    const png = await c.handlers.artwork({ track: byName('png').id });
    assert.equal(png?.mime, 'image/png');
    assert.deepEqual(Buffer.from(png!.bytes.subarray(0, 8)), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await c.dispose();
  });

  it('the audio port refuses a consumed report that is not a positive whole number within the bound', () => {
    const consumed = (bytes: unknown) => isAudioUpMessage({ kind: 'consumed', streamId: 1, epoch: 0, bytes });
    assert.equal(consumed(4096), true);
    assert.equal(consumed(MAX_CONSUMED_BYTES), true);
    for (const bad of [0, -4, 1.5, MAX_CONSUMED_BYTES + 1, 2 ** 53, Number.NaN, Infinity, '4096', null]) {
      assert.equal(consumed(bad), false, `bytes ${String(bad)}`);
    }
  });

  it('never returns more credit than the PCM sent and not yet credited: a page claiming more gets no wider window', async () => {
    const c = await connected(server.port);
    const pcm: Extract<AudioDownMessage, { kind: 'pcm' }>[] = [];
    c.attachAudio({ send: (m) => m.kind === 'pcm' && pcm.push(m) });
    const track = (await c.handlers.list({ query: 'handshake' })).tracks[0]!;
    const started = await c.handlers.play({ track: track.id });
    const window = windowBytes(started.format);
    const delivered = () => pcm.reduce((n, m) => n + m.pcm.byteLength, 0);
    const settle = async () => {
      let last = -1;
      while (delivered() !== last) {
        last = delivered();
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await settle();
    assert.ok(delivered() <= window);
    // Claim twenty windows played at once, then again: only what was sent can come back as credit.
    c.audioUp({ kind: 'consumed', streamId: started.streamId, epoch: started.epoch, bytes: 20 * window });
    await settle();
    assert.ok(delivered() <= 2 * window, `${delivered()} bytes sent after one over-claim; the window is ${window}`);
    c.audioUp({ kind: 'consumed', streamId: started.streamId, epoch: started.epoch, bytes: 20 * window });
    await settle();
    assert.ok(delivered() <= 3 * window, `${delivered()} bytes sent after two over-claims`);
    // A claim for an epoch it was never sent is worth nothing.
    const before = delivered();
    c.audioUp({ kind: 'consumed', streamId: started.streamId, epoch: started.epoch + 5, bytes: window });
    await settle();
    assert.equal(delivered(), before);
    await c.dispose();
  });
});
