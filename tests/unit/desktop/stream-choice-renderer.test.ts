/** The renderer's side of the stream choice: the signal path shows how the stream travels, and follows a step-down. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPlayerStore } from '../../../src-renderer/stores/player-store.js';
import { signalPath, signalPathText } from '../../../src-renderer/views/signal-path.js';
import { fakeApi, fakeEngine, track } from '../renderer/store-fakes.js';

test('a stream stepped down mid-track shows its new transport in the signal path, and nothing else of it changes', async () => {
  const { api } = fakeApi();
  const engine = fakeEngine();
  const player = createPlayerStore(api, engine);
  const flac = track('a', { codec: 'flac', sampleRate: 44100, bitsPerSample: 16, channels: 2 });
  await player.getState().playTracks([flac], 0);
  const before = player.getState().stream!;
  assert.equal(signalPathText(signalPath(flac, before, 48000)), 'FLAC 16-bit 44.1 kHz stereo → PCM 16-bit 44.1 kHz → 48 kHz');

  player.getState().handleEvent({ type: 'stream-transport', streamId: 99, transport: 'Opus 96 kbit/s' });
  assert.equal(player.getState().stream, before, 'another stream: ignored');
  player.getState().handleEvent({ type: 'stream-transport', streamId: before.streamId, transport: 'Opus 160 kbit/s' });
  const after = player.getState().stream!;
  assert.deepEqual({ ...after, transport: undefined }, { ...before, transport: undefined }, 'same stream, epoch and frames');
  assert.equal(signalPathText(signalPath(flac, after, 48000)), 'FLAC 16-bit 44.1 kHz stereo → Opus 160 kbit/s → 48 kHz');
  assert.deepEqual(engine.log, ['prepare 44100', 'start 1'], 'the engine plays on untouched');
});
