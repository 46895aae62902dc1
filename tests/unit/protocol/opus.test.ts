/**
 * The `opus` encoding's protocol pieces (docs/PROTOCOL.md §8.11): SETUP's bitrate, the reply's codec, and the
 * timeline both ends compute, which must agree to the frame for PAUSE and resume to meet.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Resampler } from '../../../src-codecs/opus-transcode/resampler.js';
import { AtpError, framesReached, kernelHalfWidth, parseSetupReply, parseSetupRequest, restartGranule } from '../../../src-shared/protocol/index.js';
import { SETUP_OPUS_REPLY } from './opus-vectors.js';

const json = (o: object) => new TextEncoder().encode(JSON.stringify(o));
const badPayload = (err: unknown) => err instanceof AtpError && err.code === 'bad-payload';

describe('the opus encoding', () => {
  test('SETUP takes a bitrate of 64–256 kbit/s', () => {
    assert.equal(parseSetupRequest(json({ track: 't', window: 0, encoding: 'opus', bitrate: 64 })).bitrate, 64);
    assert.equal(parseSetupRequest(json({ track: 't', window: 0, encoding: 'opus' })).bitrate, undefined);
    for (const bitrate of [63, 257, 128.5, '128']) {
      assert.throws(() => parseSetupRequest(json({ track: 't', window: 0, encoding: 'opus', bitrate })), badPayload, String(bitrate));
    }
  });

  test('the reply of an opus stream names its codec and bitrate', () => {
    const reply = parseSetupReply(json(SETUP_OPUS_REPLY));
    assert.equal(reply.encoding, 'opus');
    assert.equal(reply.codec?.bitrate, 128);
    const { bitrate: _dropped, ...noBitrate } = SETUP_OPUS_REPLY.codec!;
    assert.throws(() => parseSetupReply(json({ ...SETUP_OPUS_REPLY, codec: noBitrate })), badPayload);
    assert.throws(() => parseSetupReply(json({ ...SETUP_OPUS_REPLY, codec: { ...SETUP_OPUS_REPLY.codec, name: 'flac' } })), badPayload);
  });

  test('granules complete source frames as the resampler gives them', () => {
    for (const rate of [8000, 22050, 44100, 48000, 96000]) {
      const resampler = new Resampler(48000, rate, 1);
      resampler.reset(0, 0);
      const total = 10 * rate;
      for (let granules = 0; granules < 20000; granules += 961) {
        assert.equal(resampler.outputIndex + resampler.available(), framesReached(resampler.inputEnd, rate, total), `${rate} Hz at ${granules}`);
        resampler.pushSilence(961);
      }
    }
    assert.equal(kernelHalfWidth(48000, 48000), 0);
    assert.equal(framesReached(960, 48000, 100), 100);
    assert.equal(restartGranule(0, 44100), 0);
    assert.equal(restartGranule(88200, 44100), 96000 - 1920);
  });

  test('the kernel passes a tone through 44.1 → 48 → 44.1 kHz in place', () => {
    const up = new Resampler(44100, 48000, 1);
    const down = new Resampler(48000, 44100, 1);
    up.reset(0, 0);
    down.reset(0, 0);
    const n = 44100;
    const tone = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 44100));
    up.push([tone], n);
    const mid = new Float32Array(48000);
    const got = up.pull(mid, 0, 48000);
    down.push([mid], got);
    const out = new Float32Array(n);
    const back = down.pull(out, 0, n);
    let worst = 0;
    for (let i = 1000; i < back - 100; i++) worst = Math.max(worst, Math.abs(out[i]! - tone[i]!));
    assert.ok(back > n - 200, `${back} frames back`);
    assert.ok(worst < 0.01, `off by ${worst}`);
  });
});
