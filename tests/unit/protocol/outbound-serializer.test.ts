/** Outbound: what the builders and the serializer put on the wire, byte for byte (the docs' examples). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ERROR_CODES,
  FrameType,
  build,
  encodeFrame,
  encodedSize,
  errorClassOf,
  frame,
  sealChecksum,
  writeDataHeader,
  writeFrameHead,
  type ErrorCode,
} from '../../../src-shared/protocol/index.js';
import { DATA_EPOCH, DATA_FIRST_FRAME, DID, PCM, UID, hexBytes, toHex, vectors } from './vectors.js';

describe('outbound: every documented frame', () => {
  for (const v of vectors) {
    test(`${v.name}: the builder makes the documented frame and its bytes`, () => {
      const built = v.build();
      assert.deepEqual(built, v.frame);
      assert.equal(toHex(encodeFrame(built)), toHex(hexBytes(v.hex)));
      assert.equal(encodedSize(built.payload?.length ?? null, built.checksum), hexBytes(v.hex).length);
    });
  }
});

describe('outbound: header fields', () => {
  test('byte 0 is 0x61: magic 0110, version 1', () => {
    assert.equal(encodeFrame(build.ping(7))[0], 0x61);
  });

  test('uid and did are big-endian u16', () => {
    const bytes = encodeFrame(frame({ type: FrameType.PLAYER, func: 1, uid: 0xabcd, did: 0x1234 }));
    assert.equal(toHex(bytes), '61 00 01 00 ab cd 12 34');
  });

  test('ENCRYPTED is flag bit 1', () => {
    const bytes = encodeFrame(frame({ type: FrameType.CONTROL, func: 3, encrypted: true, ack: true }));
    assert.equal(bytes[3], 0x03);
  });

  test('no payload: exactly 8 bytes, no EXT, and a checksum request is dropped', () => {
    const bytes = encodeFrame(frame({ type: FrameType.PLAYER, func: 2, uid: 1, did: 1, checksum: true }));
    assert.equal(toHex(bytes), '61 00 02 00 00 01 00 01');
  });

  test('an empty payload is still a payload: EXT with length 0', () => {
    const bytes = encodeFrame(frame({ type: FrameType.CONTROL, func: 3, payload: new Uint8Array(0) }));
    assert.equal(toHex(bytes), '61 01 03 08 00 00 00 00 00 00 00 00');
  });

  test('the length counts the checksum; the CRC of an empty payload is 0', () => {
    const bytes = encodeFrame(frame({ type: FrameType.CONTROL, func: 3, checksum: true, payload: new Uint8Array(0) }));
    assert.equal(toHex(bytes), '61 01 03 0c 00 00 00 00 00 00 00 04 00 00 00 00');
  });

  test('CRC-32/IEEE of "123456789" is the check value 0xcbf43926', () => {
    const payload = new TextEncoder().encode('123456789');
    const bytes = encodeFrame(frame({ type: FrameType.LIBRARY, func: 0, checksum: true, payload }));
    assert.equal(toHex(bytes.subarray(-4)), 'cb f4 39 26');
  });
});

describe('outbound: writing a DATA frame in place', () => {
  test('writeFrameHead + writeDataHeader + PCM + sealChecksum equals build.data', () => {
    const payloadLength = 12 + PCM.length;
    const out = new Uint8Array(3 + encodedSize(payloadLength, true)); // at an offset, as in a shared send buffer
    const header = { type: FrameType.PLAYER, func: 4, ack: false, encrypted: false, checksum: true, uid: UID, did: DID };
    const start = writeFrameHead(out, 3, header, payloadLength);
    assert.equal(start, 3 + 12);
    writeDataHeader(out, start, DATA_EPOCH, DATA_FIRST_FRAME);
    out.set(PCM, start + 12);
    sealChecksum(out, start, start + payloadLength);
    const expected = encodeFrame(build.data(UID, DID, DATA_EPOCH, DATA_FIRST_FRAME, PCM, true));
    assert.equal(toHex(out.subarray(3)), toHex(expected));
  });
});

describe('outbound: error frames', () => {
  test('func is the class of the code, for every code', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const f = build.error(3, 4, code, 'm');
      assert.equal(f.type, FrameType.ERROR);
      assert.equal(f.func, errorClassOf(code), code);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(f.payload!)), { code, message: 'm' });
    }
  });

  test('the answered request is named when given', () => {
    const f = build.error(1, 2, 'unknown-stream', 'no stream 2', { type: 0, func: 1 });
    assert.equal(toHex(encodeFrame(f).subarray(0, 8)), '61 02 03 08 00 01 00 02');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(f.payload!)).request, { type: 0, func: 1 });
  });
});
