/**
 * Reordering and editing the queue: the pure rules (block moves, one-step moves, removal, multi-select) and the
 * player store's actions built on them, where the entry playing keeps playing wherever it lands.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clickSelect, contextSelect, EMPTY_SELECTION, keySelect, within } from '../../../src-renderer/components/selection.js';
import { createPlayerStore, OFFLINE_ERROR } from '../../../src-renderer/stores/player-store.js';
import { applyOrder, isPermutation, moveBlockOrder, positionsAfter, removeOrder, stepOrder } from '../../../src-renderer/stores/queue-order.js';
import { fakeApi, fakeEngine, track } from './store-fakes.js';

const letters = (n: number) => 'abcdefghij'.slice(0, n).split('');
const ids = (player: ReturnType<typeof createPlayerStore>) => player.getState().queue.map((x) => x.id).join('');

describe('queue reorder rules', () => {
  it('moves a block, in its own order, to the gap before an entry or to the end', () => {
    const q = letters(6);
    assert.equal(applyOrder(q, moveBlockOrder(6, [1, 4], 0)).join(''), 'beacdf');
    assert.equal(applyOrder(q, moveBlockOrder(6, [4, 1], 6)).join(''), 'acdfbe', 'positions in any order keep the queue order');
    assert.equal(applyOrder(q, moveBlockOrder(6, [0], 3)).join(''), 'bcadef', 'dragged down: lands before the entry it was dropped on');
    assert.equal(applyOrder(q, moveBlockOrder(6, [4], 1)).join(''), 'aebcdf');
    assert.deepEqual(moveBlockOrder(6, [2, 3], 3), [0, 1, 2, 3, 4, 5], 'dropped on itself, nothing moves');
    assert.deepEqual(moveBlockOrder(6, [2, 3], 4), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(moveBlockOrder(6, [9, -1, 2], 0), [2, 0, 1, 3, 4, 5], 'positions outside the queue are ignored');
    for (const order of [moveBlockOrder(6, [0, 5], 2), moveBlockOrder(6, [1, 2, 3], 99)]) assert.ok(isPermutation(order, 6));
  });

  it('steps a selection, gaps and all, one place up or down; at the end it stays put', () => {
    const q = letters(6);
    assert.equal(applyOrder(q, stepOrder(6, [2, 3], -1)!).join(''), 'acdbef');
    assert.equal(applyOrder(q, stepOrder(6, [1, 3], -1)!).join(''), 'badcef');
    assert.equal(applyOrder(q, stepOrder(6, [1, 3], 1)!).join(''), 'acbedf');
    assert.equal(applyOrder(q, stepOrder(6, [4, 5], -1)!).join(''), 'abcefd');
    assert.equal(stepOrder(6, [0, 3], -1), null, 'the first entry cannot go higher, so nothing moves');
    assert.equal(stepOrder(6, [5], 1), null);
    assert.equal(stepOrder(6, [], 1), null);
    assert.equal(stepOrder(3, [0, 1, 2], 1), null);
  });

  it('removes entries but keeps the one playing; maps positions through an order', () => {
    assert.deepEqual(removeOrder(5, [0, 2, 4], 2), [1, 2, 3]);
    assert.deepEqual(removeOrder(3, [7]), [0, 1, 2]);
    const order = moveBlockOrder(6, [1, 4], 0);
    assert.deepEqual(positionsAfter(order, [1, 4]), [0, 1]);
    assert.deepEqual(positionsAfter(removeOrder(5, [1]), [1, 3]), [2], 'a removed entry has no position after');
    assert.equal(isPermutation([0, 0, 1], 3), false);
    assert.equal(isPermutation([0, 1], 3), false);
  });
});

describe('multi-select', () => {
  const none = { toggle: false, range: false };
  it('click selects one, Ctrl toggles, Shift selects the range from the anchor', () => {
    let s = clickSelect(EMPTY_SELECTION, 2, none);
    assert.deepEqual(s.selected, [2]);
    s = clickSelect(s, 5, { toggle: true, range: false });
    assert.deepEqual(s.selected, [2, 5]);
    s = clickSelect(s, 2, { toggle: true, range: false });
    assert.deepEqual(s.selected, [5]);
    s = clickSelect(s, 4, { toggle: false, range: true });
    assert.deepEqual(s.selected, [2, 3, 4], 'the range runs from the anchor (the last Ctrl+click)');
    assert.deepEqual(contextSelect(s, 3).selected, [2, 3, 4], 'a right click inside the selection keeps it');
    assert.deepEqual(contextSelect(s, 0).selected, [0], 'outside, it selects that row alone');
  });

  it('arrows move and select, Shift+arrows extend, Ctrl+arrows move the focus alone, Space toggles, Ctrl+A selects all', () => {
    let s = keySelect(EMPTY_SELECTION, 'ArrowDown', none, 6, 3)!;
    assert.deepEqual([s.selected, s.focus], [[1], 1]);
    s = keySelect(s, 'ArrowDown', { toggle: false, range: true }, 6, 3)!;
    s = keySelect(s, 'ArrowDown', { toggle: false, range: true }, 6, 3)!;
    assert.deepEqual([s.selected, s.focus], [[1, 2, 3], 3]);
    s = keySelect(s, 'ArrowUp', { toggle: false, range: true }, 6, 3)!;
    assert.deepEqual(s.selected, [1, 2], 'Shift+Up shrinks a range grown downwards');
    s = keySelect(s, 'End', { toggle: true, range: false }, 6, 3)!;
    assert.deepEqual([s.selected, s.focus], [[1, 2], 5]);
    s = keySelect(s, ' ', { toggle: true, range: false }, 6, 3)!;
    assert.deepEqual(s.selected, [1, 2, 5]);
    s = keySelect(s, ' ', none, 6, 3)!;
    assert.deepEqual(s.selected, [1, 2]);
    assert.deepEqual(keySelect(s, 'a', { toggle: true, range: false }, 6, 3)!.selected, [0, 1, 2, 3, 4, 5]);
    assert.equal(keySelect(s, 'x', none, 6, 3), null);
    assert.equal(keySelect(s, 'ArrowDown', none, 0, 3), null);
    assert.deepEqual(within({ selected: [1, 4, 5], anchor: 5, focus: 5 }, 3), { selected: [1], anchor: 2, focus: 2 });
  });
});

describe('queue actions of the player store', () => {
  async function playing(n: number, at: number, options = {}) {
    const { api, calls } = fakeApi();
    const player = createPlayerStore(api, fakeEngine(), options);
    await player.getState().playTracks(letters(n).map((x) => track(x)), at);
    return { player, calls };
  }

  it('reorders: the entry playing keeps playing and the index follows it', async () => {
    const { player, calls } = await playing(6, 2);
    const plays = calls.filter((c) => c[0] === 'play').length;
    player.getState().reorder(moveBlockOrder(6, [2, 4], 0));
    assert.equal(ids(player), 'ceabdf');
    assert.equal(player.getState().index, 0);
    assert.equal(player.getState().current()?.id, 'c');
    player.getState().reorder(stepOrder(6, [3, 4], 1)!);
    assert.equal(ids(player), 'ceafbd');
    assert.equal(player.getState().current()?.id, 'c');
    player.getState().reorder([0, 0, 1, 2, 3, 4]);
    assert.equal(ids(player), 'ceafbd', 'an order that is not a permutation is refused');
    assert.equal(player.getState().status, 'playing');
    assert.equal(calls.filter((c) => c[0] === 'play').length, plays, 'no track was started again');
  });

  it('removes a selection but not the entry playing', async () => {
    const { player } = await playing(6, 3);
    player.getState().removeEntries([0, 3, 5]);
    assert.equal(ids(player), 'bcde');
    assert.equal(player.getState().current()?.id, 'd');
    assert.equal(player.getState().index, 2);
  });

  it('plays a selection of tracks now, after the current entry, keeping the rest of the queue; play next and add take lists', async () => {
    const { player } = await playing(3, 0);
    await player.getState().playNow([track('x'), track('y')]);
    assert.equal(ids(player), 'axybc');
    assert.equal(player.getState().current()?.id, 'x');
    player.getState().playNext([track('p'), track('q')]);
    assert.equal(ids(player), 'axpqybc');
    player.getState().addToQueue([track('z'), track('w')]);
    assert.equal(ids(player), 'axpqybczw');
  });

  it('plays queue entries now: several move up behind the current one, the first plays', async () => {
    const { player } = await playing(6, 1);
    await player.getState().playEntries([5, 3]);
    assert.equal(ids(player), 'abdfce');
    assert.equal(player.getState().current()?.id, 'd');
    await player.getState().playEntries([0]);
    assert.equal(ids(player), 'abdfce', 'one entry plays where it is');
    assert.equal(player.getState().current()?.id, 'a');
  });

  it('while disconnected, Play now changes nothing and says why', async () => {
    let online = true;
    const { player } = await playing(3, 0, { isConnected: () => online });
    online = false;
    await player.getState().playNow([track('x')]);
    await player.getState().playEntries([1, 2]);
    assert.equal(ids(player), 'abc');
    assert.deepEqual(player.getState().error, OFFLINE_ERROR);
  });
});
