/** Inbound: the documented bytes read back into frames, whole or cut anywhere. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FrameDecoder,
  build,
  encodeFrame,
  parseArtwork,
  parseCredit,
  parseData,
  type DecodeEvent,
  type Frame,
} from '../../../src-shared/protocol/index.js';
import {
  CREDIT_BYTES,
  DATA_EPOCH,
  DATA_FIRST_FRAME,
  PCM,
  PNG_SIGNATURE,
  concat,
  decodeChunks,
  hexBytes,
  vectors,
} from './vectors.js';

const frames = (events: DecodeEvent[]): Frame[] =>
  events.map((e) => {
    assert.equal(e.kind, 'frame', JSON.stringify(e));
    return (e as { frame: Frame }).frame;
  });

const all = vectors.map((v) => hexBytes(v.hex));
const stream = concat(all);
const expected = vectors.map((v) => v.frame);

describe('inbound: every documented frame', () => {
  for (const v of vectors) {
    test(`${v.name} decodes to its fields`, () => {
      const decoder = new FrameDecoder();
      const events: DecodeEvent[] = [];
      decoder.push(hexBytes(v.hex), (e) => events.push(e));
      assert.deepEqual(frames(events), [v.frame]);
      assert.equal(decoder.pendingBytes, 0);
      assert.equal(decoder.fatalError, null);
    });
  }

  test('JSON payloads read back as the documented objects', () => {
    for (const v of vectors) {
      const payload = v.frame.payload;
      if (payload === null || payload[0] !== 0x7b) continue;
      const [decoded] = frames(decodeChunks([hexBytes(v.hex)]));
      assert.deepEqual(JSON.parse(new TextDecoder().decode(decoded!.payload!)), JSON.parse(new TextDecoder().decode(payload)));
    }
  });

  test('binary payloads: DATA, DATA with checksum, CREDIT, ARTWORK reply', () => {
    const byName = (name: string) => {
      const v = vectors.find((x) => x.name === name)!;
      return frames(decodeChunks([hexBytes(v.hex)]))[0]!;
    };
    for (const name of ['data', 'data-checksum']) {
      const f = byName(name);
      assert.equal(f.checksum, name === 'data-checksum');
      assert.deepEqual(parseData(f.payload), { epoch: DATA_EPOCH, firstFrame: DATA_FIRST_FRAME, pcm: PCM });
    }
    assert.equal(parseCredit(byName('credit').payload), CREDIT_BYTES);
    assert.deepEqual(parseArtwork(byName('artwork-ack').payload), { mime: 'image/png', image: PNG_SIGNATURE });
  });
});

describe('inbound: a stream of frames cut anywhere', () => {
  test('all vectors in one chunk', () => {
    assert.deepEqual(frames(decodeChunks([stream])), expected);
  });

  test('split into two chunks at every byte boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const events = decodeChunks([stream.slice(0, cut), stream.slice(cut)]);
      assert.deepEqual(frames(events), expected, `cut at ${cut}`);
    }
  });

  test('byte by byte', () => {
    const decoder = new FrameDecoder();
    const events: DecodeEvent[] = [];
    for (let i = 0; i < stream.length; i++) {
      decoder.push(stream.subarray(i, i + 1), (e) => events.push(e));
    }
    assert.deepEqual(frames(events), expected);
    assert.equal(decoder.pendingBytes, 0);
  });

  test('each frame arrives with the first bytes of the next', () => {
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (const bytes of all) {
      const end = Math.min(stream.length, at + bytes.length + 5);
      chunks.push(stream.slice(at, end));
      at = end;
    }
    chunks.push(stream.slice(at));
    assert.deepEqual(frames(decodeChunks(chunks)), expected);
  });

  test('frames emitted earlier are not changed by later input', () => {
    // Payloads of frames assembled in the decoder's own buffer must be copies; it reuses that buffer.
    const decoder = new FrameDecoder();
    const got: Frame[] = [];
    const snapshots: string[] = [];
    for (let i = 0; i < stream.length; i += 7) {
      decoder.push(stream.slice(i, i + 7), (e) => {
        if (e.kind !== 'frame') return;
        got.push(e.frame);
        snapshots.push(JSON.stringify(Array.from(e.frame.payload ?? [])));
      });
    }
    assert.deepEqual(
      got.map((f) => JSON.stringify(Array.from(f.payload ?? []))),
      snapshots,
    );
    assert.deepEqual(got, expected);
  });

  test('frames of a few KB through the decoder\'s reused buffer (compacted, grown, released)', () => {
    // 3000-byte payloads in 1000- and 777-byte chunks: the held tail is moved to the front of the buffer, and
    // a 300 KB frame makes it grow past its usual size and be released once consumed.
    const big: Frame[] = [];
    for (let i = 0; i < 12; i++) {
      const payload = new Uint8Array(i === 6 ? 300_000 : 3000).map((_, j) => (i * 31 + j * 7) & 0xff);
      big.push(build.data(1, 1 + i, i, i * 1000, payload, i % 2 === 1));
    }
    const bytes = concat(big.map(encodeFrame));
    for (const size of [1000, 777, 4096, 5000]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
      const decoded = frames(decodeChunks(chunks));
      assert.equal(decoded.length, big.length, `chunks of ${size}`);
      decoded.forEach((f, i) => assert.deepEqual(f, big[i], `frame ${i}, chunks of ${size}`));
    }
  });

  test('an empty chunk changes nothing', () => {
    const decoder = new FrameDecoder();
    const events: DecodeEvent[] = [];
    decoder.push(stream.subarray(0, 5), (e) => events.push(e));
    decoder.push(new Uint8Array(0), (e) => events.push(e));
    assert.equal(decoder.pendingBytes, 5);
    decoder.push(stream.subarray(5), (e) => events.push(e));
    assert.deepEqual(frames(events), expected);
  });

  test('a frame cut short waits for its rest: no event, bytes pending', () => {
    for (const v of vectors) {
      const bytes = hexBytes(v.hex);
      for (const cut of [1, 7, 8, 11, 12, bytes.length - 1]) {
        if (cut >= bytes.length || cut <= 0) continue;
        if (bytes.length === 8 && cut >= 8) continue;
        const decoder = new FrameDecoder();
        let events = 0;
        decoder.push(bytes.subarray(0, cut), () => events++);
        assert.equal(events, 0, `${v.name} cut at ${cut}`);
        assert.equal(decoder.pendingBytes, cut);
      }
    }
  });
});

describe('FrameDecoder.stop (the end of clear text at ENCRYPT)', () => {
  test('frames after the stopping one, in the same chunk or later, are never handed on', () => {
    const decoder = new FrameDecoder();
    const seen: Frame[] = [];
    const emit = (e: DecodeEvent) => {
      if (e.kind !== 'frame') return;
      seen.push(e.frame);
      if (e.frame.type === 1 && e.frame.func === 2) decoder.stop();
    };
    const login = encodeFrame(build.login({ user: 'mallory', password: 'x' }));
    decoder.push(concat([encodeFrame(build.ping(0)), encodeFrame(build.encrypt()), login.subarray(0, 5)]), emit);
    decoder.push(login.subarray(5), emit);
    decoder.push(encodeFrame(build.ping(0)), emit);
    assert.deepEqual(seen.map((f) => [f.type, f.func]), [[1, 3], [1, 2]]);
    assert.equal(decoder.pendingBytes, 0);
  });

  test('a stop while a frame with a payload is read drops the rest of that chunk', () => {
    const decoder = new FrameDecoder();
    const seen: Frame[] = [];
    const list = encodeFrame(build.list(0, {}));
    decoder.push(concat([list, list, list]), (e) => {
      if (e.kind === 'frame') seen.push(e.frame);
      decoder.stop();
    });
    assert.equal(seen.length, 1);
  });
});
