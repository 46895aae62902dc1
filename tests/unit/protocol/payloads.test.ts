/** Payload parsers: valid requests read back exactly; anything else is an AtpError 'bad-payload'. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AtpError,
  ERROR_CODES,
  ErrorClass,
  MAX_LIST_LIMIT,
  MAX_WINDOW,
  decodeJsonObject,
  encodeArtwork,
  encodeCredit,
  encodeData,
  encodeJson,
  errorClassOf,
  isErrorCode,
  parseArtwork,
  parseArtworkRequest,
  parseCredit,
  parseData,
  parseEndNotice,
  parseListRequest,
  parseLoginRequest,
  parsePlayRequest,
  parseSetupRequest,
  type ErrorCode,
} from '../../../src-shared/protocol/index.js';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function assertBadPayload(fn: () => unknown, what: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AtpError, `${what}: not an AtpError: ${String(err)}`);
    assert.equal(err.code, 'bad-payload', what);
    assert.ok(err.message.length > 0);
    return true;
  });
}

describe('payloads: any JSON request', () => {
  test('an absent or empty payload reads as {}', () => {
    assert.deepEqual(decodeJsonObject(null), {});
    assert.deepEqual(decodeJsonObject(new Uint8Array(0)), {});
  });

  test('not UTF-8, not JSON, or not an object: bad-payload', () => {
    const cases: [string, Uint8Array][] = [
      ['truncated JSON', new TextEncoder().encode('{"user":')],
      ['plain text', new TextEncoder().encode('hello')],
      ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
      ['array', json([1, 2])],
      ['null', json(null)],
      ['number', json(42)],
      ['string', json('{}')],
      ['true', json(true)],
    ];
    for (const [name, bytes] of cases) {
      for (const parse of [decodeJsonObject, parseLoginRequest, parseListRequest, parseSetupRequest, parsePlayRequest]) {
        assertBadPayload(() => parse(bytes), `${parse.name}: ${name}`);
      }
    }
  });

  test('encodeJson writes compact UTF-8 JSON', () => {
    assert.deepEqual(Array.from(encodeJson({ a: 'é' })), [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0xa9, 0x22, 0x7d]);
  });
});

describe('payloads: LOGIN', () => {
  test('valid requests, absent fields left out', () => {
    assert.deepEqual(parseLoginRequest(json({ user: 'alice', password: 'secret' })), { user: 'alice', password: 'secret' });
    assert.deepEqual(parseLoginRequest(json({ token: 't', client: 'atp-cli 0.1', pageSize: 500 })), {
      token: 't',
      client: 'atp-cli 0.1',
      pageSize: 500,
    });
    assert.deepEqual(parseLoginRequest(json({ user: 'bob', extra: 1 })), { user: 'bob' });
  });

  test('wrong types and out-of-range values', () => {
    const bad: [string, unknown][] = [
      ['user number', { user: 1 }],
      ['user null', { user: null }],
      ['user too long', { user: 'u'.repeat(129) }],
      ['password object', { user: 'a', password: {} }],
      ['token array', { token: ['t'] }],
      ['pageSize over 500', { pageSize: MAX_LIST_LIMIT + 1 }],
      ['pageSize negative', { pageSize: -1 }],
      ['pageSize fraction', { pageSize: 1.5 }],
      ['pageSize string', { pageSize: '5' }],
    ];
    for (const [name, value] of bad) assertBadPayload(() => parseLoginRequest(json(value)), name);
  });
});

describe('payloads: LIBRARY LIST and ARTWORK', () => {
  test('valid list requests', () => {
    const full = { offset: 500, limit: 500, sort: 'artist', order: 'desc', query: 'blue note' };
    assert.deepEqual(parseListRequest(json(full)), full);
    assert.deepEqual(parseListRequest(null), {});
    for (const sort of ['title', 'artist', 'album', 'path', 'duration', 'added']) {
      assert.equal(parseListRequest(json({ sort })).sort, sort);
    }
  });

  test('invalid list requests', () => {
    const bad: [string, unknown][] = [
      ['unknown sort', { sort: 'rating' }],
      ['sort not a string', { sort: 1 }],
      ['unknown order', { order: 'up' }],
      ['limit over 500', { limit: 501 }],
      ['limit negative', { limit: -5 }],
      ['offset negative', { offset: -1 }],
      ['offset fraction', { offset: 0.5 }],
      ['offset unsafe integer', { offset: 2 ** 53 }],
      ['query too long', { query: 'q'.repeat(257) }],
      ['query number', { query: 5 }],
    ];
    for (const [name, value] of bad) assertBadPayload(() => parseListRequest(json(value)), name);
  });

  test('artwork request', () => {
    assert.deepEqual(parseArtworkRequest(json({ track: 'K3LhdtcSbXrTFZDU' })), { track: 'K3LhdtcSbXrTFZDU' });
    assertBadPayload(() => parseArtworkRequest(null), 'absent payload: track is required');
    assertBadPayload(() => parseArtworkRequest(json({})), 'missing track');
    assertBadPayload(() => parseArtworkRequest(json({ track: 7 })), 'track number');
    assertBadPayload(() => parseArtworkRequest(json({ track: 't'.repeat(257) })), 'track too long');
  });
});

describe('payloads: PLAYER SETUP and PLAY', () => {
  test('valid setup requests', () => {
    assert.deepEqual(parseSetupRequest(json({ track: 'a', window: 0 })), { track: 'a', window: 0 });
    assert.deepEqual(parseSetupRequest(json({ track: 'a', window: MAX_WINDOW, checksum: true })), {
      track: 'a',
      window: MAX_WINDOW,
      checksum: true,
    });
  });

  test('invalid setup requests', () => {
    const bad: [string, unknown][] = [
      ['missing track', { window: 1 }],
      ['missing window', { track: 'a' }],
      ['window over the maximum', { track: 'a', window: MAX_WINDOW + 1 }],
      ['window negative', { track: 'a', window: -1 }],
      ['window string', { track: 'a', window: '1000' }],
      ['checksum string', { track: 'a', window: 1, checksum: 'yes' }],
      ['checksum number', { track: 'a', window: 1, checksum: 1 }],
    ];
    for (const [name, value] of bad) assertBadPayload(() => parseSetupRequest(json(value)), name);
  });

  test('play requests: absent payload resumes', () => {
    assert.deepEqual(parsePlayRequest(null), {});
    assert.deepEqual(parsePlayRequest(json({ positionMs: 2000, window: 352800 })), { positionMs: 2000, window: 352800 });
    assertBadPayload(() => parsePlayRequest(json({ positionMs: -1 })), 'negative position');
    assertBadPayload(() => parsePlayRequest(json({ positionMs: 1.25 })), 'fractional position');
    assertBadPayload(() => parsePlayRequest(json({ window: MAX_WINDOW + 1 })), 'window over the maximum');
  });
});

describe('payloads: DATA', () => {
  test('round trip of the u64 first frame index above 2^32', () => {
    for (const firstFrame of [0, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 0x1_2345_6789, Number.MAX_SAFE_INTEGER]) {
      const pcm = new Uint8Array([1, 2, 3, 4]);
      const payload = encodeData(0xffffffff, firstFrame, pcm);
      assert.deepEqual(parseData(payload), { epoch: 0xffffffff, firstFrame, pcm });
    }
  });

  test('byte layout: u32 epoch, u64 frame index, big-endian', () => {
    const payload = encodeData(7, 2 ** 32 + 0x0102, new Uint8Array([0xaa]));
    assert.deepEqual(Array.from(payload), [0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 1, 2, 0xaa]);
  });

  test('property: any epoch, frame index and PCM round trip, also from a view at an offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat({ max: 16 }),
        (epoch, firstFrame, pcm, offset) => {
          const payload = encodeData(epoch, firstFrame, pcm);
          const host = new Uint8Array(offset + payload.length);
          host.set(payload, offset);
          assert.deepEqual(parseData(host.subarray(offset)), { epoch, firstFrame, pcm });
        },
      ),
    );
  });

  test('a DATA payload shorter than its 12-byte header is bad-payload; the PCM may be empty', () => {
    assertBadPayload(() => parseData(null), 'absent');
    assertBadPayload(() => parseData(new Uint8Array(11)), '11 bytes');
    assert.equal(parseData(new Uint8Array(12)).pcm.length, 0);
  });
});

describe('payloads: CREDIT', () => {
  test('round trip and layout', () => {
    assert.deepEqual(Array.from(encodeCredit(0x010203)), [0, 1, 2, 3]);
    for (const bytes of [0, 1, 352800, MAX_WINDOW]) assert.equal(parseCredit(encodeCredit(bytes)), bytes);
  });

  test('wrong size or too large', () => {
    assertBadPayload(() => parseCredit(null), 'absent');
    assertBadPayload(() => parseCredit(new Uint8Array(3)), '3 bytes');
    assertBadPayload(() => parseCredit(new Uint8Array(5)), '5 bytes');
    assertBadPayload(() => parseCredit(encodeCredit(MAX_WINDOW + 1)), 'over the maximum window');
    assertBadPayload(() => parseCredit(new Uint8Array([0xff, 0xff, 0xff, 0xff])), 'u32 max');
  });
});

describe('payloads: ARTWORK reply', () => {
  test('round trip and layout', () => {
    const image = new Uint8Array([0xff, 0xd8, 0xff]);
    const payload = encodeArtwork('image/jpeg', image);
    assert.deepEqual(Array.from(payload.subarray(0, 11)), [10, ...new TextEncoder().encode('image/jpeg')]);
    assert.deepEqual(parseArtwork(payload), { mime: 'image/jpeg', image });
    assert.deepEqual(parseArtwork(new Uint8Array([0])), { mime: '', image: new Uint8Array(0) });
  });

  test('a mime longer than the u8 can count is cut to 255 bytes and still parses', () => {
    const payload = encodeArtwork('x'.repeat(300), new Uint8Array([1]));
    assert.equal(payload[0], 255);
    assert.deepEqual(parseArtwork(payload), { mime: 'x'.repeat(255), image: new Uint8Array([1]) });
  });

  test('a non-ASCII mime (from tag data) never makes the length byte disagree with the bytes', () => {
    const image = new Uint8Array([1, 2, 3]);
    const payload = encodeArtwork('é'.repeat(200), image);
    assert.equal(payload[0], 255);
    assert.equal(payload.length, 1 + 255 + image.length);
    assert.deepEqual(parseArtwork(payload).image, image);
  });

  test('truncated', () => {
    assertBadPayload(() => parseArtwork(null), 'absent');
    assertBadPayload(() => parseArtwork(new Uint8Array(0)), 'empty');
    assertBadPayload(() => parseArtwork(new Uint8Array([10, 0x69, 0x6d])), 'mime cut short');
  });
});

describe('payloads: END notice', () => {
  test('reason is read when present and absent otherwise', () => {
    assert.deepEqual(parseEndNotice(json({ epoch: 3, totalFrames: 1323000 })), { epoch: 3, totalFrames: 1323000 });
    const cut = parseEndNotice(json({ epoch: 3, totalFrames: 529200, reason: 'the file is truncated' }));
    assert.deepEqual(cut, { epoch: 3, totalFrames: 529200, reason: 'the file is truncated' });
    assert.equal('reason' in parseEndNotice(json({ epoch: 1, totalFrames: 0, later: 'member' })), false);
  });

  test('a reason that is not a string is bad-payload', () => {
    assertBadPayload(() => parseEndNotice(json({ epoch: 3, totalFrames: 5, reason: 7 })), 'reason number');
    assertBadPayload(() => parseEndNotice(json({ epoch: 3, totalFrames: 5, reason: null })), 'reason null');
  });
});

describe('error codes', () => {
  test('every code has a class, and the classes are the documented ones', () => {
    const classes = new Set(Object.values(ErrorClass));
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      assert.ok(isErrorCode(code));
      assert.ok(classes.has(errorClassOf(code)), code);
    }
    assert.equal(isErrorCode('toString'), false);
    assert.equal(isErrorCode('nope'), false);
    assert.equal(errorClassOf('bad-magic'), ErrorClass.PROTOCOL);
    assert.equal(errorClassOf('wrong-uid'), ErrorClass.AUTH);
    assert.equal(errorClassOf('checksum-mismatch'), ErrorClass.REQUEST);
    assert.equal(errorClassOf('no-artwork'), ErrorClass.RESOURCE);
    assert.equal(errorClassOf('payload-too-large'), ErrorClass.LIMIT);
    assert.equal(errorClassOf('unsupported'), ErrorClass.UNSUPPORTED);
    assert.equal(errorClassOf('decode-failed'), ErrorClass.SERVER);
  });

  test('AtpError carries code, message and name', () => {
    const err = new AtpError('no-artwork', 'track has no picture');
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'AtpError');
    assert.equal(err.code, 'no-artwork');
    assert.equal(err.message, 'track has no picture');
  });
});
