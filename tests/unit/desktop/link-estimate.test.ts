/**
 * The desktop's choice of encoding from what its DATA arrivals say about the link: lossless on a LAN, Opus when
 * the link cannot carry 1.5 times the lossless bitrate, down when the link degrades for two seconds, back up slowly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinkEstimate, chooseEncoding, losslessKbps, travelLabel } from '../../../src-main/desktop/link-estimate.js';

const CD = losslessKbps({ sampleRate: 44100, bytesPerFrame: 4 });

/** Feeds `seconds` of arrivals at `kbps` in DATA of 10 KB, the window open or not. */
function feed(link: LinkEstimate, startMs: number, seconds: number, kbps: number, windowOpen = true): number {
  const bytes = 10_000;
  const gapMs = (bytes * 8) / kbps;
  let at = startMs;
  for (; at < startMs + seconds * 1000; at += gapMs) link.observe(at, bytes, windowOpen);
  return at;
}

describe('link estimate', () => {
  test('CD audio costs 1411.2 kbit/s', () => assert.equal(CD, 1411.2));

  test('a LAN keeps the lossless stream; a 4 Mbit/s link does too; 1 Mbit/s gets Opus', () => {
    assert.deepEqual(chooseEncoding('auto', CD, null), { encoding: 'original' });
    assert.deepEqual(chooseEncoding('auto', CD, 50_000), { encoding: 'original' });
    assert.deepEqual(chooseEncoding('auto', CD, 4_000), { encoding: 'original' });
    assert.deepEqual(chooseEncoding('auto', CD, 2_000), { encoding: 'opus', bitrate: 256 });
    assert.deepEqual(chooseEncoding('auto', CD, 1_000), { encoding: 'opus', bitrate: 256 });
    assert.deepEqual(chooseEncoding('auto', CD, 300), { encoding: 'opus', bitrate: 160 });
    assert.deepEqual(chooseEncoding('auto', CD, 50), { encoding: 'opus', bitrate: 64 });
  });

  test('the fixed qualities ignore the link', () => {
    assert.deepEqual(chooseEncoding('lossless', CD, 100), { encoding: 'original' });
    assert.deepEqual(chooseEncoding('high', CD, 100_000), { encoding: 'opus', bitrate: 256 });
    assert.deepEqual(chooseEncoding('data-saver', CD, 100_000), { encoding: 'opus', bitrate: 96 });
  });

  test('arrivals while the window is closed say nothing about the link', () => {
    const link = new LinkEstimate();
    feed(link, 0, 5, 200, false);
    assert.equal(link.estimateKbps, null);
  });

  test('a degrading link steps down within two seconds of open-window time, and back up only gradually', () => {
    const link = new LinkEstimate();
    let at = feed(link, 0, 3, 20_000);
    assert.ok(Math.abs(link.estimateKbps! - 20_000) < 2_000, `${link.estimateKbps}`);
    assert.equal(link.choose('auto', CD).encoding, 'original');
    link.interrupt();
    at = feed(link, at + 5000, 2.2, 1_000);
    assert.ok(link.estimateKbps! < 1_200, `stepped down to ${link.estimateKbps}`);
    assert.deepEqual(link.choose('auto', CD), { encoding: 'opus', bitrate: 256 });
    link.interrupt();
    feed(link, at + 5000, 1.2, 40_000);
    assert.ok(link.estimateKbps! > 15_000 && link.estimateKbps! < 40_000, `halfway up: ${link.estimateKbps}`);
  });

  test('one slow second (a stall, a retransmission) is not a slow link; two in a row are', () => {
    const link = new LinkEstimate();
    let at = feed(link, 0, 3, 4_000);
    link.observe(at + 3000, 10_000, true); // a 3 s stall, the window open
    at = feed(link, at + 3020, 3, 4_000);
    assert.ok(link.estimateKbps! > 3_000, `after a stall: ${link.estimateKbps}`);
    feed(link, at, 3, 300);
    assert.ok(link.estimateKbps! < 400, `after seconds of a slow link: ${link.estimateKbps}`);
  });

  test('the now-playing bar says what plays and how it travels', () => {
    assert.equal(travelLabel('flac', 44100, { encoding: 'opus', bitrate: 160 }), 'FLAC 44.1 kHz, Opus 160 kbit/s');
    assert.equal(travelLabel('mp3', 48000, { encoding: 'original' }), 'MP3 48 kHz, original');
  });
});
