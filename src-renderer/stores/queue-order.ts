/**
 * The play order's rules, as pure functions: which entry plays after which under repeat, and the shuffled order.
 * Kept apart from the player store so each rule is tested on its own.
 */

export type RepeatMode = 'off' | 'all' | 'one';

export const REPEAT_MODES: readonly RepeatMode[] = ['off', 'all', 'one'];

/** The mode after `mode` when the repeat button is pressed: off → all → one → off. */
export function nextRepeatMode(mode: RepeatMode): RepeatMode {
  return REPEAT_MODES[(REPEAT_MODES.indexOf(mode) + 1) % REPEAT_MODES.length]!;
}

/**
 * The entry that plays by itself when entry `index` ends: the same one under repeat-one, the first after the last
 * under repeat-all; -1 when the queue ends.
 */
export function followingIndex(index: number, length: number, repeat: RepeatMode): number {
  if (length === 0 || index < 0) return -1;
  if (repeat === 'one') return index;
  if (index + 1 < length) return index + 1;
  return repeat === 'all' ? 0 : -1;
}

/**
 * The entry "Next" goes to: the next one, or under any repeat the first after the last (a listener pressing Next
 * under repeat-one wants another track, not the same one again); -1 at the end of the queue.
 */
export function skipIndex(index: number, length: number, repeat: RepeatMode): number {
  if (length === 0) return -1;
  if (index + 1 < length) return index + 1;
  return repeat === 'off' ? -1 : 0;
}

/** The entry "Previous" goes to; under repeat the last after the first. */
export function previousIndex(index: number, length: number, repeat: RepeatMode): number {
  if (length === 0) return -1;
  if (index > 0) return index - 1;
  return repeat === 'off' ? -1 : length - 1;
}

/** A Fisher–Yates shuffle of a copy of `items`. `random` returns [0, 1), as Math.random does. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The queue shuffled with entry `index` first (it keeps playing), and the rest in a random order. */
export function shuffleAround<T>(items: readonly T[], index: number, random: () => number = Math.random): T[] {
  if (index < 0 || index >= items.length) return shuffled(items, random);
  const rest = items.filter((_, i) => i !== index);
  return [items[index]!, ...shuffled(rest, random)];
}

/*
 * Reordering. An order is a permutation: order[newPosition] = oldPosition. Entries are known by position, since the
 * same track may stand in the queue twice; whatever follows an entry (the current index, a selection) is mapped
 * through the order.
 */

/** Sorted, without repeats, inside [0, length). */
function clean(positions: readonly number[], length: number): number[] {
  return [...new Set(positions)].filter((p) => Number.isInteger(p) && p >= 0 && p < length).sort((a, b) => a - b);
}

/**
 * The entries at `positions` taken out and put back together (in their own order) where the gap before old
 * position `before` was; `before` = length puts them at the end. Dropping a block on itself changes nothing.
 */
export function moveBlockOrder(length: number, positions: readonly number[], before: number): number[] {
  const moving = clean(positions, length);
  const inBlock = new Set(moving);
  const at = Math.max(0, Math.min(length, before));
  const rest: number[] = [];
  let insertAt = 0;
  for (let i = 0; i < length; i++) {
    if (i === at) insertAt = rest.length;
    if (!inBlock.has(i)) rest.push(i);
  }
  if (at >= length) insertAt = rest.length;
  return [...rest.slice(0, insertAt), ...moving, ...rest.slice(insertAt)];
}

/**
 * Each selected entry one step up (delta -1) or down (+1), past the unselected neighbour; null when the selection
 * already touches that end (nothing moves, so a run of presses never scrambles it).
 */
export function stepOrder(length: number, positions: readonly number[], delta: -1 | 1): number[] | null {
  const moving = clean(positions, length);
  if (moving.length === 0 || moving.length === length) return null;
  if (delta < 0 ? moving[0] === 0 : moving[moving.length - 1] === length - 1) return null;
  const order = Array.from({ length }, (_, i) => i);
  const selected = new Set(moving);
  // Walk from the end being moved towards, so each entry steps over an unselected one exactly once.
  const walk = delta < 0 ? moving : moving.slice().reverse();
  for (const p of walk) {
    const to = p + delta;
    if (selected.has(order[to]!)) continue;
    [order[p], order[to]] = [order[to]!, order[p]!];
  }
  return order;
}

/** Every entry except those at `positions`, in order; `keep` (the one playing) stays even when named. */
export function removeOrder(length: number, positions: readonly number[], keep = -1): number[] {
  const gone = new Set(clean(positions, length));
  gone.delete(keep);
  return Array.from({ length }, (_, i) => i).filter((i) => !gone.has(i));
}

export function applyOrder<T>(items: readonly T[], order: readonly number[]): T[] {
  return order.map((i) => items[i]!);
}

/** Where the entries that stood at `positions` stand after `order` (those it dropped are left out), sorted. */
export function positionsAfter(order: readonly number[], positions: readonly number[]): number[] {
  const wanted = new Set(positions);
  const out: number[] = [];
  order.forEach((old, now) => {
    if (wanted.has(old)) out.push(now);
  });
  return out;
}

/** Whether `order` is a permutation of [0, length): what the store accepts from a view. */
export function isPermutation(order: readonly number[], length: number): boolean {
  if (order.length !== length) return false;
  const seen = new Set(order);
  return seen.size === length && order.every((i) => Number.isInteger(i) && i >= 0 && i < length);
}
