/** Hostile input: the decoder never throws, fails precisely, and holds bounded memory. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_MAX_PAYLOAD,
  FrameDecoder,
  FrameType,
  build,
  encodeFrame,
  frame,
  type DecodeEvent,
} from '../../../src-shared/protocol/index.js';
import { concat, decodeChunks, hexBytes, vectors } from './vectors.js';

const ping = encodeFrame(build.ping(1));
const pingFrame = build.ping(1);

/** The capacity of the decoder's private buffer: the memory it holds, which must stay bounded. */
const capacity = (d: FrameDecoder): number => (d as unknown as { buffer: Uint8Array }).buffer.length;

function push(d: FrameDecoder, bytes: Uint8Array): DecodeEvent[] {
  const events: DecodeEvent[] = [];
  d.push(bytes, (e) => events.push(e));
  return events;
}

/** A frame head: 8 header bytes and, when given, the u32 length. */
function head(byte0: number, flags: number, length?: number): Uint8Array {
  const out = new Uint8Array(length === undefined ? 8 : 12);
  out.set([byte0, FrameType.CONTROL, 3, flags, 0, 1, 0, 0]);
  if (length !== undefined) new DataView(out.buffer).setUint32(8, length);
  return out;
}

describe('hostile: broken framing is fatal, with a precise code', () => {
  const cases: { name: string; bytes: Uint8Array; code: string }[] = [
    { name: 'magic 0101 (byte 0 = 0x51)', bytes: head(0x51, 0), code: 'bad-magic' },
    { name: 'byte 0 = 0x00', bytes: head(0x00, 0), code: 'bad-magic' },
    { name: 'HTTP text', bytes: new TextEncoder().encode('GET / HTTP/1.1\r\n'), code: 'bad-magic' },
    { name: 'version 2 (0x62)', bytes: head(0x62, 0), code: 'bad-version' },
    { name: 'version 0 (0x60)', bytes: head(0x60, 0), code: 'bad-version' },
    { name: 'CHECKSUM without EXT', bytes: head(0x61, 0x04), code: 'checksum-without-payload' },
    { name: 'length 3 with CHECKSUM', bytes: concat([head(0x61, 0x0c, 3), new Uint8Array(3)]), code: 'bad-length' },
    { name: 'length 0 with CHECKSUM', bytes: head(0x61, 0x0c, 0), code: 'bad-length' },
    ...[0x10, 0x20, 0x40, 0x80, 0xf8].map((flags) => ({
      name: `reserved flags 0x${flags.toString(16)}`,
      bytes: head(0x61, flags),
      code: 'reserved-flags',
    })),
  ];
  for (const c of cases) {
    test(`${c.name} -> ${c.code}, then all input is ignored`, () => {
      const d = new FrameDecoder();
      const events = push(d, concat([ping, c.bytes, ping]));
      assert.equal(events.length, 2);
      assert.deepEqual(events[0], { kind: 'frame', frame: pingFrame });
      assert.equal(events[1]!.kind, 'fatal');
      assert.equal((events[1] as { error: { code: string } }).error.code, c.code);
      assert.equal(d.fatalError?.code, c.code);
      assert.deepEqual(push(d, ping), []);
      assert.deepEqual(push(d, concat(vectors.map((v) => hexBytes(v.hex)))), []);
      assert.equal(d.pendingBytes, 0);
    });
  }

  test('the fatal error is found as soon as the header is complete, even when cut', () => {
    const d = new FrameDecoder();
    const bad = head(0x61, 0x80);
    assert.deepEqual(push(d, bad.subarray(0, 7)), []);
    const events = push(d, bad.subarray(7));
    assert.equal(events[0]?.kind, 'fatal');
  });

  test('CHECKSUM with length 4 is an empty payload, not an error', () => {
    const events = decodeChunks([concat([head(0x61, 0x0c, 4), new Uint8Array(4)]), ping]);
    assert.deepEqual(events, [
      { kind: 'frame', frame: frame({ type: FrameType.CONTROL, func: 3, uid: 1, checksum: true, payload: new Uint8Array(0) }) },
      { kind: 'frame', frame: pingFrame },
    ]);
  });
});

describe('hostile: refused frames are skipped and the stream goes on', () => {
  test('a bad checksum is refused with checksum-mismatch; the next frame decodes', () => {
    const good = encodeFrame(build.data(1, 2, 1, 0, new Uint8Array([1, 2, 3, 4]), true));
    const bad = good.slice();
    bad[bad.length - 1]! ^= 0x01;
    const corruptPayload = good.slice();
    corruptPayload[14]! ^= 0x80;
    for (const broken of [bad, corruptPayload]) {
      // Whole, and cut inside the payload so that the frame is assembled in the decoder's buffer.
      for (const chunks of [[concat([broken, ping])], [broken.subarray(0, 15), concat([broken.subarray(15), ping])]]) {
        const events = decodeChunks(chunks);
        assert.equal(events.length, 2);
        assert.equal(events[0]!.kind, 'refused');
        const refused = events[0] as Extract<DecodeEvent, { kind: 'refused' }>;
        assert.equal(refused.error.code, 'checksum-mismatch');
        assert.deepEqual(refused.header, { type: 0, func: 4, ack: false, encrypted: false, checksum: true, uid: 1, did: 2 });
        assert.deepEqual(events[1], { kind: 'frame', frame: pingFrame });
      }
    }
  });

  test('payload at maxPayload is accepted, one byte more is refused; the checksum does not count', () => {
    const max = 100;
    const at = encodeFrame(frame({ type: 4, func: 0, uid: 1, checksum: true, payload: new Uint8Array(max) }));
    const over = encodeFrame(frame({ type: 4, func: 0, uid: 1, payload: new Uint8Array(max + 1) }));
    const events = decodeChunks([concat([at, over, ping])], { maxPayload: max });
    assert.deepEqual(
      events.map((e) => (e.kind === 'refused' ? e.error.code : e.kind)),
      ['frame', 'payload-too-large', 'frame'],
    );
    assert.deepEqual(events[2], { kind: 'frame', frame: pingFrame });
  });

  test('the default limit is 1 MiB', () => {
    assert.equal(DEFAULT_MAX_PAYLOAD, 1048576);
    const events = decodeChunks([head(0x61, 0x08, DEFAULT_MAX_PAYLOAD + 1)]);
    assert.equal(events[0]?.kind, 'refused');
  });

  test('declared length 0xFFFFFFFF: refused at once, skipped in bounded memory, and the next frame decodes', () => {
    const d = new FrameDecoder();
    const first = push(d, head(0x61, 0x08, 0xffffffff));
    assert.equal(first.length, 1);
    assert.equal(first[0]!.kind, 'refused');
    const refused = first[0] as Extract<DecodeEvent, { kind: 'refused' }>;
    assert.equal(refused.error.code, 'payload-too-large');
    assert.equal(refused.header.uid, 1);
    assert.equal(d.pendingBytes, 0xffffffff);

    // Stream all 4 GiB of it in 1 MiB chunks: the decoder holds none of it.
    const chunk = new Uint8Array(1 << 20).fill(0x61);
    const baseline = capacity(d);
    let expectedPending = 0xffffffff;
    for (let i = 0; i < 4095; i++) {
      assert.deepEqual(push(d, chunk), []);
      expectedPending -= chunk.length;
      if (i % 512 === 0) {
        assert.equal(d.pendingBytes, expectedPending);
        assert.ok(capacity(d) <= Math.max(baseline, 4096), `buffer grew to ${capacity(d)}`);
      }
    }
    assert.equal(d.pendingBytes, (1 << 20) - 1);
    // The last byte of the skipped payload shares a chunk with the next frame.
    const tail = push(d, concat([chunk.subarray(0, (1 << 20) - 1), ping]));
    assert.deepEqual(tail, [{ kind: 'frame', frame: pingFrame }]);
    assert.equal(d.pendingBytes, 0);
    assert.ok(capacity(d) <= 4096);
  });

  test('a refused frame cut at every byte still skips exactly its bytes', () => {
    const over = encodeFrame(frame({ type: 4, func: 0, uid: 1, checksum: true, payload: new Uint8Array(20).fill(0x61) }));
    const bytes = concat([ping, over, ping]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const events = decodeChunks([bytes.subarray(0, cut), bytes.subarray(cut)], { maxPayload: 19 });
      assert.deepEqual(
        events.map((e) => (e.kind === 'refused' ? e.error.code : e.kind)),
        ['frame', 'payload-too-large', 'frame'],
        `cut at ${cut}`,
      );
    }
  });

  test('an ENCRYPTED frame is handed on with its flag (the server answers it with unsupported)', () => {
    const events = decodeChunks([head(0x61, 0x02)]);
    assert.deepEqual(events, [{ kind: 'frame', frame: frame({ type: FrameType.CONTROL, func: 3, uid: 1, encrypted: true }) }]);
  });

  test('unknown types and funcs are framed; acting on them is the receiver’s job', () => {
    const bytes = hexBytes('61 ff ee 00 00 01 00 00');
    assert.deepEqual(decodeChunks([bytes]), [{ kind: 'frame', frame: frame({ type: 0xff, func: 0xee, uid: 1 }) }]);
  });
});

describe('hostile: random input', () => {
  const valid = fc.constantFrom(...vectors.map((v) => hexBytes(v.hex)));
  // Garbage that often looks like a header: a valid byte 0, random flags, small or huge lengths.
  const plausible = fc
    .tuple(
      fc.constantFrom(0x61, 0x61, 0x61, 0x51, 0x62),
      fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 255 })),
      fc.integer({ min: 0, max: 255 }),
      fc.uint8Array({ maxLength: 64 }),
    )
    .map(([b0, flags, type, rest]) => concat([new Uint8Array([b0, type, 0, flags, 0, 1, 0, 0]), rest]));
  const piece = fc.oneof(valid, plausible, fc.uint8Array({ minLength: 1, maxLength: 32 }));

  test('push never throws; events are frames and refusals, then at most one fatal, then nothing', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cutSeeds) => {
        const bytes = concat(pieces);
        const cuts = [...new Set(cutSeeds.map((s) => s % (bytes.length + 1)))].sort((a, b) => a - b);
        const d = new FrameDecoder({ maxPayload: 48 });
        const events: DecodeEvent[] = [];
        let at = 0;
        for (const cut of [...cuts, bytes.length]) {
          d.push(bytes.subarray(at, cut), (e) => events.push(e));
          at = cut;
        }
        const fatal = events.findIndex((e) => e.kind === 'fatal');
        if (fatal !== -1) {
          assert.equal(fatal, events.length - 1, 'nothing after a fatal error');
          assert.equal(d.fatalError, (events[fatal] as { error: unknown }).error);
          assert.equal(d.pendingBytes, 0);
        } else {
          assert.equal(d.fatalError, null);
        }
        for (const e of events) {
          if (e.kind === 'frame') assert.ok(e.frame.payload === null || e.frame.payload.length <= 48);
        }
        // Memory: frames over 48 bytes are skipped, not held, so the decoder's buffer never grows past its minimum.
        assert.ok(capacity(d) <= 4096);
      }),
      { numRuns: 500 },
    );
  });

  test('pure random bytes never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (chunks) => {
        const d = new FrameDecoder();
        let fatals = 0;
        for (const c of chunks) d.push(c, (e) => (fatals += e.kind === 'fatal' ? 1 : 0));
        assert.ok(fatals <= 1);
        assert.equal(fatals === 1, d.fatalError !== null);
      }),
      { numRuns: 500 },
    );
  });
});
