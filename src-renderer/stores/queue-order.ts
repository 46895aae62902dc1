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
