// A stream holds DATA back until its low-water mark of credit is there, and then sends all the credit allows,
// however many DATA that takes (PROTOCOL.md 8.3): a mark larger than one DATA must not become one DATA per mark.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FrameDecoder, type Frame } from '../../../src-shared/protocol/index.js';
import { openPcmSource } from '../../../src-codecs/registry.js';
import { LOW_WATER_BYTES } from '../../../src-server/server/paced-stream.js';
import { StreamSession, type StreamSink } from '../../../src-server/server/stream-session.js';
import { writeWav } from '../../helpers/wav-file.js';

const dir = mkdtempSync(join(tmpdir(), 'atp-credit-mark-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A sink that decodes what the stream writes, as a client would read it. */
function recordingSink(): StreamSink & { data: Frame[] } {
  const decoder = new FrameDecoder({ maxPayload: 1 << 20 });
  const data: Frame[] = [];
  const take = (bytes: Uint8Array) => decoder.push(bytes, (e) => e.kind === 'frame' && data.push(e.frame));
  return {
    uid: 1,
    congested: false,
    data,
    write: (bytes) => (take(bytes), true),
    writeChunks: (head, body) => (take(head), body.forEach(take)),
    onEnd: () => {},
    onFailure: (_did, err) => assert.fail(err),
  };
}

const pcmBytes = (frames: Frame[]) => frames.reduce((n, f) => n + f.payload!.length - 12, 0);
const settle = () => new Promise((r) => setTimeout(r, 50));

test('once the mark is reached a stream sends all its credit, in as many DATA as the size limit needs', async () => {
  const path = join(dir, 'tone.wav');
  writeWav(path, { sampleRate: 44100, channels: 2, bits: 16, frames: 44100 * 10 }, (f) => Math.sin(f / 10) / 2);
  for (const checksum of [false, true]) {
    const sink = recordingSink();
    const framesPerData = 1024; // 4 KiB DATA: the mark is sixteen of them
    const window = 2 * LOW_WATER_BYTES;
    const stream = new StreamSession(1, 't', await openPcmSource(path), sink, window, checksum, framesPerData);
    await stream.play(0, window);
    stream.resume();
    await settle();
    assert.equal(pcmBytes(sink.data), window, 'the whole window at PLAY');
    const sentAtPlay = sink.data.length;
    stream.addCredit(LOW_WATER_BYTES - 4);
    await settle();
    assert.equal(sink.data.length, sentAtPlay, 'nothing for less than the mark');
    stream.addCredit(4 + 4096 * 3);
    await settle();
    assert.equal(pcmBytes(sink.data), window + LOW_WATER_BYTES + 4096 * 3, 'all the credit, not one DATA of it');
    assert.equal(sink.data.length - sentAtPlay, LOW_WATER_BYTES / 4096 + 3);
    await stream.close();
  }
});
