/** The original encoding's codec: SETUP's encoding member, the reply's codec, and DATA made of length-prefixed units. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AtpError,
  ErrorClass,
  encodeOriginalData,
  errorClassOf,
  fromBase64,
  parseOriginalData,
  parseSetupReply,
  parseSetupRequest,
  toBase64,
} from '../../../src-shared/protocol/index.js';
import { FLAC_FRAME, SETUP_ORIGINAL_REPLY, STREAMINFO_BASE64 } from './original-vectors.js';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AtpError, String(err));
    return err.code;
  }
  assert.fail('no error');
};

describe('SETUP encoding', () => {
  test('absent, pcm and original are read as given', () => {
    assert.equal(parseSetupRequest(json({ track: 't', window: 0 })).encoding, undefined);
    assert.equal(parseSetupRequest(json({ track: 't', window: 0, encoding: 'pcm' })).encoding, 'pcm');
    assert.equal(parseSetupRequest(json({ track: 't', window: 0, encoding: 'original' })).encoding, 'original');
  });

  test('an encoding the server does not offer is unknown-encoding, of class UNSUPPORTED', () => {
    assert.equal(code(() => parseSetupRequest(json({ track: 't', window: 0, encoding: 'flac' }))), 'unknown-encoding');
    assert.equal(code(() => parseSetupRequest(json({ track: 't', window: 0, encoding: 'ORIGINAL' }))), 'unknown-encoding');
    assert.equal(errorClassOf('unknown-encoding'), ErrorClass.UNSUPPORTED);
  });

  test('an encoding that is not a string is bad-payload', () => {
    assert.equal(code(() => parseSetupRequest(json({ track: 't', window: 0, encoding: 1 }))), 'bad-payload');
    assert.equal(code(() => parseSetupRequest(json({ track: 't', window: 0, encoding: null }))), 'bad-payload');
  });
});

describe('SETUP reply of an original stream', () => {
  test('reads back the codec, and a reply without encoding is pcm', () => {
    assert.deepEqual(parseSetupReply(json(SETUP_ORIGINAL_REPLY)), SETUP_ORIGINAL_REPLY);
    const { encoding: _e, codec: _c, ...pcm } = SETUP_ORIGINAL_REPLY;
    const reply = parseSetupReply(json(pcm));
    assert.equal(reply.encoding, undefined);
    assert.equal(reply.codec, undefined);
  });

  test('STREAMINFO travels as base64 and comes back byte for byte', () => {
    const info = fromBase64(STREAMINFO_BASE64);
    assert.equal(info.length, 34);
    assert.equal(toBase64(info), STREAMINFO_BASE64);
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    assert.deepEqual(fromBase64(toBase64(big)), big);
    assert.equal(code(() => fromBase64('not base64!')), 'bad-payload');
  });

  test('a codec the client does not know, missing setup, or a WAV format that does not fit is bad-payload', () => {
    const codec = SETUP_ORIGINAL_REPLY.codec!;
    const withCodec = (c: object) => json({ ...SETUP_ORIGINAL_REPLY, codec: c });
    assert.equal(code(() => parseSetupReply(withCodec({ ...codec, name: 'aac' }))), 'bad-payload');
    assert.equal(code(() => parseSetupReply(withCodec({ ...codec, setup: [] }))), 'bad-payload');
    assert.equal(code(() => parseSetupReply(withCodec({ ...codec, maxUnitBytes: 0 }))), 'bad-payload');
    assert.equal(code(() => parseSetupReply(json({ ...SETUP_ORIGINAL_REPLY, encoding: 'zstd' }))), 'bad-payload');
    const wav = { name: 'pcm', setup: [], delay: 0, padding: null, maxUnitBytes: 6, sampleFormat: 's24le', bytesPerFrame: 6 };
    assert.equal(parseSetupReply(withCodec(wav)).codec!.sampleFormat, 's24le');
    assert.equal(code(() => parseSetupReply(withCodec({ ...wav, bytesPerFrame: 4 }))), 'bad-payload');
    assert.equal(code(() => parseSetupReply(withCodec({ ...wav, sampleFormat: 's20le' }))), 'bad-payload');
    const mp3 = { name: 'mp3', setup: [], delay: 1105, padding: 500, maxUnitBytes: 1445 };
    assert.equal(code(() => parseSetupReply(withCodec(mp3))), 'bad-payload');
    assert.equal(parseSetupReply(withCodec({ ...mp3, samplesPerFrame: 1152 })).codec!.samplesPerFrame, 1152);
  });
});

describe('DATA of an original stream', () => {
  test('units with their lengths read back as views, and the window counts every byte after the DATA header', () => {
    const units = [FLAC_FRAME, new Uint8Array([1, 2, 3])];
    const chunk = parseOriginalData(encodeOriginalData(7, 2 ** 40 + 5, units), false);
    assert.equal(chunk.epoch, 7);
    assert.equal(chunk.position, 2 ** 40 + 5);
    assert.deepEqual(chunk.units, units);
    assert.equal(chunk.windowBytes, 4 + FLAC_FRAME.length + 4 + 3);
  });

  test('WAV PCM comes bare: one unit, the whole body', () => {
    const body = new Uint8Array([0, 0, 1, 0, 0, 2]);
    const chunk = parseOriginalData(new Uint8Array([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, ...body]), true);
    assert.deepEqual(chunk.units, [body]);
    assert.equal(chunk.position, 9);
    assert.equal(chunk.windowBytes, 6);
  });

  test('a unit length cut short, past the payload, or zero is bad-payload', () => {
    const good = encodeOriginalData(1, 0, [new Uint8Array([9, 9, 9])]);
    assert.equal(code(() => parseOriginalData(good.subarray(0, good.length - 1), false)), 'bad-payload');
    assert.equal(code(() => parseOriginalData(good.subarray(0, 14), false)), 'bad-payload');
    const zero = new Uint8Array([...good.subarray(0, 12), 0, 0, 0, 0]);
    assert.equal(code(() => parseOriginalData(zero, false)), 'bad-payload');
    assert.equal(code(() => parseOriginalData(new Uint8Array(5), false)), 'bad-payload');
  });
});
