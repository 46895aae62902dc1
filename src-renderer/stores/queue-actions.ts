/**
 * The player's queue edits: adding, moving, removing and shuffling entries. While shuffled, each edit keeps the
 * queue's own order (`unshuffled`) in step, so turning shuffle off brings back what the listener built. Kept apart
 * from the player store, which owns playback; the rules of the order itself are the pure functions of queue-order.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { PlayerStore } from './player-store.js';
import { applyOrder, isPermutation, moveBlockOrder, removeOrder, shuffleAround } from './queue-order.js';

export type QueueActions = Pick<
  PlayerStore,
  'playNext' | 'addToQueue' | 'playNow' | 'playEntries' | 'move' | 'reorder' | 'removeAt' | 'removeEntries' | 'clearQueue' | 'toggleShuffle'
>;

/** What the queue edits need of the player store that holds them. */
export interface QueueContext {
  set: StoreApi<PlayerStore>['setState'];
  get: () => PlayerStore;
  /** Forgets the prefetched stream if an edit moved its track from after the current one. */
  checkUpcoming(): void;
  /** Refuses an action that needs a server while disconnected, saying why; true when refused. */
  offline(): boolean;
  /** [0, 1), for the shuffled order. */
  random: () => number;
}

export function createQueueActions({ set, get, checkUpcoming, offline, random }: QueueContext): QueueActions {
  return {
    playNext(tracks) {
      const list = Array.isArray(tracks) ? tracks : [tracks];
      if (list.length === 0) return;
      const { queue, index, unshuffled } = get();
      const q = queue.slice();
      q.splice(index + 1, 0, ...list);
      let u = unshuffled;
      if (u) {
        const at = u.findIndex((t) => t.id === queue[index]?.id);
        u = u.slice();
        u.splice(at + 1, 0, ...list);
      }
      set({ queue: q, unshuffled: u });
      checkUpcoming();
    },
    addToQueue(tracks) {
      const list = Array.isArray(tracks) ? tracks : [tracks];
      if (list.length === 0) return;
      const { queue, unshuffled } = get();
      set({ queue: [...queue, ...list], unshuffled: unshuffled && [...unshuffled, ...list] });
      checkUpcoming();
    },
    async playNow(tracks) {
      // Checked first, so a refused Play now leaves the queue as it was.
      if (tracks.length === 0 || offline()) return;
      get().playNext(tracks);
      await get().playAt(get().index + 1);
    },
    async playEntries(positions) {
      const { queue, index } = get();
      const wanted = positions.filter((p) => queue[p]).sort((a, b) => a - b);
      if (wanted.length === 0 || offline()) return;
      if (wanted.length === 1) {
        await get().playAt(wanted[0]!);
        return;
      }
      const order = moveBlockOrder(queue.length, wanted, index + 1);
      get().reorder(order);
      await get().playAt(order.indexOf(wanted[0]!));
    },
    move(from, to) {
      const { queue, index } = get();
      if (from === to || !queue[from] || to < 0 || to >= queue.length) return;
      const q = queue.slice();
      const [item] = q.splice(from, 1);
      q.splice(to, 0, item!);
      let i = index;
      if (from === index) i = to;
      else if (from < index && to >= index) i--;
      else if (from > index && to <= index) i++;
      set({ queue: q, index: i });
      checkUpcoming();
    },
    reorder(order) {
      const { queue, index } = get();
      if (!isPermutation(order, queue.length) || order.every((old, now) => old === now)) return;
      set({ queue: applyOrder(queue, order), index: index >= 0 ? order.indexOf(index) : index });
      checkUpcoming();
    },
    removeEntries(positions) {
      const { queue, index, unshuffled } = get();
      const order = removeOrder(queue.length, positions, index);
      if (order.length === queue.length) return;
      const kept = new Set(order);
      const u = unshuffled?.slice() ?? null;
      if (u) {
        for (const [i, track] of queue.entries()) {
          if (kept.has(i)) continue;
          const at = u.findIndex((t) => t.id === track.id);
          if (at >= 0) u.splice(at, 1);
        }
      }
      set({ queue: applyOrder(queue, order), index: index >= 0 ? order.indexOf(index) : index, unshuffled: u });
      checkUpcoming();
    },
    removeAt(at) {
      const { queue, index } = get();
      if (at === index || !queue[at]) return;
      const { unshuffled } = get();
      const u = unshuffled?.slice() ?? null;
      const inOrder = u?.findIndex((t) => t.id === queue[at]!.id) ?? -1;
      if (u && inOrder >= 0) u.splice(inOrder, 1);
      set({ queue: queue.filter((_, i) => i !== at), index: at < index ? index - 1 : index, unshuffled: u });
      checkUpcoming();
    },
    clearQueue() {
      const cur = get().current();
      set({ queue: cur ? [cur] : [], index: cur ? 0 : -1, unshuffled: get().unshuffled && (cur ? [cur] : []) });
      checkUpcoming();
    },
    toggleShuffle() {
      const { shuffle, queue, index, unshuffled } = get();
      if (!shuffle) {
        set({ shuffle: true, queue: shuffleAround(queue, index, random), unshuffled: queue.slice(), index: index >= 0 ? 0 : -1 });
      } else {
        const order = unshuffled ?? queue;
        const cur = queue[index];
        const at = cur ? order.findIndex((t) => t.id === cur.id) : -1;
        set({ shuffle: false, queue: order.slice(), unshuffled: null, index: at });
      }
      checkUpcoming();
    },
  };
}
