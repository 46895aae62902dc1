/** Properties: decode(encode(x)) = x for any frame, any sequence of frames, any chunking. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { FrameDecoder, encodeFrame, encodedSize, type DecodeEvent, type Frame } from '../../../src-shared/protocol/index.js';
import { concat } from './vectors.js';

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });

/** Any frame the codec can carry. A checksum exists only on a frame with payload, so only there is it kept. */
const anyFrame: fc.Arbitrary<Frame> = fc
  .record({
    type: u8,
    func: u8,
    ack: fc.boolean(),
    encrypted: fc.boolean(),
    checksum: fc.boolean(),
    uid: u16,
    did: u16,
    payload: fc.option(fc.uint8Array({ maxLength: 4096 }), { nil: null, freq: 3 }),
  })
  .map((f) => ({ ...f, checksum: f.checksum && f.payload !== null }));

/** Cuts a byte string at arbitrary points (given as seeds), keeping every byte once and in order. */
function cutAt(bytes: Uint8Array, seeds: number[]): Uint8Array[] {
  const cuts = [...new Set(seeds.map((s) => s % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.slice(at, cut));
    at = cut;
  }
  return chunks;
}

function decode(chunks: Uint8Array[], maxPayload?: number): { events: DecodeEvent[]; decoder: FrameDecoder } {
  const decoder = new FrameDecoder(maxPayload === undefined ? {} : { maxPayload });
  const events: DecodeEvent[] = [];
  for (const c of chunks) decoder.push(c, (e) => events.push(e));
  return { events, decoder };
}

describe('property: round trip', () => {
  test('decode(encode(frame)) = frame, and the size is as declared', () => {
    fc.assert(
      fc.property(anyFrame, (f) => {
        const bytes = encodeFrame(f);
        assert.equal(bytes.length, encodedSize(f.payload?.length ?? null, f.checksum));
        const { events, decoder } = decode([bytes]);
        assert.deepEqual(events, [{ kind: 'frame', frame: f }]);
        assert.equal(decoder.pendingBytes, 0);
      }),
      { numRuns: 300 },
    );
  });

  test('a stream of frames cut into arbitrary chunks decodes to the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(anyFrame, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (frames, seeds) => {
          const stream = concat(frames.map(encodeFrame));
          const { events, decoder } = decode(cutAt(stream, seeds));
          assert.deepEqual(events, frames.map((frame) => ({ kind: 'frame', frame })));
          assert.equal(decoder.pendingBytes, 0);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('with a payload limit: frames over it are refused by header, the others arrive intact, in order', () => {
    fc.assert(
      fc.property(
        fc.array(anyFrame, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 0, max: 2048 }),
        (frames, seeds, maxPayload) => {
          const stream = concat(frames.map(encodeFrame));
          const { events } = decode(cutAt(stream, seeds), maxPayload);
          const summary = events.map((e) => (e.kind === 'refused' ? { refused: e.header, code: e.error.code } : e));
          const expected = frames.map((f) => {
            if (f.payload === null || f.payload.length <= maxPayload) return { kind: 'frame', frame: f };
            const { payload: _, ...header } = f;
            return { refused: header, code: 'payload-too-large' };
          });
          assert.deepEqual(summary, expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('one flipped payload bit under a checksum is refused, and only that frame', () => {
    fc.assert(
      fc.property(
        fc.array(anyFrame, { maxLength: 6 }),
        anyFrame.filter((f) => f.payload !== null && f.payload.length > 0),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (before, target, at, bit) => {
          const sealed = { ...target, checksum: true };
          const bytes = encodeFrame(sealed);
          const flip = 12 + (at % sealed.payload!.length);
          bytes[flip]! ^= 1 << bit;
          const { events } = decode([concat([...before.map(encodeFrame), bytes, ...before.map(encodeFrame)])]);
          const kinds = events.map((e) => (e.kind === 'refused' ? e.error.code : e.kind));
          assert.deepEqual(kinds, [...before.map(() => 'frame'), 'checksum-mismatch', ...before.map(() => 'frame')]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
