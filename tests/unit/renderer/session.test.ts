import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSession } from '../../../src-renderer/session.js';
import { track } from './store-fakes.js';

const good = {
  version: 1,
  player: { queue: [track('a'), track('b')], index: 1, positionMs: 4200, volume: 0.4, muted: true, shuffle: false, repeat: 'one' },
  library: { sort: 'title', order: 'desc', query: 'blue' },
  ui: { queueOpen: false, language: 'zh-CN' },
  view: { kind: 'album', id: 'a1', name: 'One' },
};

describe('the saved session', () => {
  it('reads back what was saved', () => {
    assert.deepEqual(parseSession(JSON.stringify(good)), good);
  });

  it('gives a fresh start for damaged text, another version, or no file', () => {
    assert.equal(parseSession(null), null);
    assert.equal(parseSession('{"version":1,'), null);
    assert.equal(parseSession(JSON.stringify({ ...good, version: 99 })), null);
    assert.equal(parseSession(JSON.stringify({ ...good, player: 'x' })), null);
  });

  it('drops fields that are out of range or of the wrong kind, keeping the rest', () => {
    const bad = {
      ...good,
      player: { ...good.player, queue: [track('a'), { id: 5 }, 'x'], index: 7, volume: 3, repeat: 'sometimes' },
      library: { sort: 'colour', order: 'sideways', query: 42 },
      ui: { queueOpen: 'yes', language: 'fr' },
    };
    const s = parseSession(JSON.stringify(bad))!;
    assert.deepEqual(s.player.queue.map((t) => t.id), ['a']);
    assert.equal(s.player.index, -1);
    assert.equal(s.player.volume, 1);
    assert.equal(s.player.repeat, 'off');
    assert.deepEqual(s.library, { sort: 'album', order: 'asc', query: '' });
    assert.deepEqual(s.ui, { queueOpen: true, language: 'auto' });
  });
});
