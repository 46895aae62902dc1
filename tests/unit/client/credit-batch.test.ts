/** Credit in steps: what the desktop's playback session and the decoding stream return to the server, and how often. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { CreditBatch, LOW_WATER_BYTES, creditStep } from '../../../src-main/atp-client/credit-batch.js';
import type { PcmStream } from '../../../src-main/atp-client/decoding-stream.js';
import { PlaybackSession } from '../../../src-main/desktop/playback-session.js';
import type { StreamFormat } from '../../../src-shared/protocol/messages.js';

describe('creditStep', () => {
  test('the server’s low-water mark: half the PLAY’s window, at most 256 KiB, in whole frames', () => {
    assert.equal(creditStep(10 * LOW_WATER_BYTES, 4), LOW_WATER_BYTES);
    assert.equal(creditStep(88200, 4), 44100);
    assert.equal(creditStep(2 * 1001, 4), 1000, 'rounded down to whole 4-byte frames');
    assert.equal(creditStep(6, 4), 4, 'never less than one frame');
    assert.equal(creditStep(1000), 500);
  });
});

describe('CreditBatch', () => {
  test('holds credit below a step, sends all it holds once it reaches one, and forgets it on reset', () => {
    const sent: number[] = [];
    const batch = new CreditBatch((n) => sent.push(n), 1000);
    for (let i = 0; i < 9; i++) batch.add(100);
    assert.deepEqual(sent, []);
    batch.add(150);
    assert.deepEqual(sent, [1050]);
    batch.add(400);
    batch.reset(500);
    batch.add(499);
    assert.deepEqual(sent, [1050]);
    batch.add(1);
    assert.deepEqual(sent, [1050, 500]);
    batch.add(7);
    batch.flush();
    assert.deepEqual(sent, [1050, 500, 7]);
  });
});

/** A stream that records its credits and sends what the test says. */
class RecordingStream extends EventEmitter {
  readonly did = 1;
  readonly track = 't';
  credits: number[] = [];
  constructor(readonly format: StreamFormat) {
    super();
  }
  play() {
    return Promise.resolve({ epoch: 1, startFrame: 0, positionMs: 0 });
  }
  pause() {
    return Promise.resolve({ positionMs: 0, frame: 0 });
  }
  credit(bytes: number) {
    this.credits.push(bytes);
  }
  teardown() {
    return Promise.resolve();
  }
}

describe('PlaybackSession', () => {
  test('returns what the renderer played in CREDITs of a step or more, not one for each report', async () => {
    const format: StreamFormat = { sampleRate: 44100, channels: 2, sampleFormat: 's16le', bytesPerFrame: 4, totalFrames: 44100 * 60, durationMs: 60000 };
    const stream = new RecordingStream(format);
    const session = new PlaybackSession(1, 't', stream as unknown as PcmStream, { send: () => {} });
    await session.seek(0);
    const afterSeek = stream.credits.length;
    // Ten seconds of audio sent a second ahead of what is played, reported played in 2,048-frame pieces (46 ms
    // each: finer than the page reports, and each smaller than the step).
    const piece = 2048 * 4;
    const pieces = Math.floor(441000 / 2048);
    const ahead = Math.ceil(44100 / 2048);
    const send = (i: number) => stream.emit('data', { epoch: 1, firstFrame: i * 2048, pcm: new Uint8Array(piece) });
    for (let i = 0; i < ahead; i++) send(i);
    for (let i = 0; i < pieces; i++) {
      if (i + ahead < pieces) send(i + ahead);
      session.consumed(1, piece);
    }
    const played = pieces * piece;
    const batched = stream.credits.slice(afterSeek);
    // The step is at least the mark for the smallest window a PLAY of the session asks for (a quarter second).
    const step = creditStep(44100, 4);
    assert.ok(batched.length > 1);
    assert.ok(batched.slice(0, -1).every((n) => n >= step), `credits ${batched.join(', ')} below the step ${step}`);
    // What is credited is what was played, plus at most a window the session may grant while it plays after a seek.
    assert.ok(batched.length <= Math.ceil((played + session.window) / step), `${batched.length} CREDITs for ${played} bytes played`);
    // Everything sent was played: nothing is held back.
    assert.ok(batched.reduce((n, c) => n + c, 0) >= played);
    await session.close();
  });
});
