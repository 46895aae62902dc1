/**
 * Multi-select in a list, as file managers do it: click selects one, Ctrl/Cmd+click toggles, Shift+click selects
 * the range from the anchor; arrows move and select, Shift+arrows extend, Ctrl+arrows move the focus alone,
 * Space toggles, Ctrl+A selects all. Pure, so the rules are tested apart from the views.
 */
import { rovingKey } from './roving.js';

export interface Selection {
  /** Selected positions, sorted. */
  selected: number[];
  /** Where Shift ranges start. */
  anchor: number;
  /** The row with the focus (the list's one tab stop). */
  focus: number;
}

export const EMPTY_SELECTION: Selection = { selected: [], anchor: 0, focus: 0 };

export interface Modifiers {
  /** Ctrl, or Cmd on a Mac. */
  toggle: boolean;
  range: boolean;
}

const span = (a: number, b: number) => Array.from({ length: Math.abs(a - b) + 1 }, (_, k) => Math.min(a, b) + k);

export function clickSelect(sel: Selection, i: number, mods: Modifiers): Selection {
  if (mods.range) return { selected: span(sel.anchor, i), anchor: sel.anchor, focus: i };
  if (mods.toggle) {
    const on = sel.selected.includes(i);
    return { selected: on ? sel.selected.filter((p) => p !== i) : [...sel.selected, i].sort((a, b) => a - b), anchor: i, focus: i };
  }
  return { selected: [i], anchor: i, focus: i };
}

/** What a right click does first: a row outside the selection becomes the selection; inside, it stays. */
export function contextSelect(sel: Selection, i: number): Selection {
  return sel.selected.includes(i) ? { ...sel, focus: i } : { selected: [i], anchor: i, focus: i };
}

/** The selection after `key` in a list of `count` rows, or null when the key is not one of selection's. */
export function keySelect(sel: Selection, key: string, mods: Modifiers, count: number, pageSize: number): Selection | null {
  if (count === 0) return null;
  if (mods.toggle && !mods.range && (key === 'a' || key === 'A')) return { selected: span(0, count - 1), anchor: sel.anchor, focus: sel.focus };
  if (key === ' ') {
    if (mods.range) return { selected: span(sel.anchor, sel.focus), anchor: sel.anchor, focus: sel.focus };
    return clickSelect(sel, sel.focus, { toggle: true, range: false });
  }
  const to = rovingKey(key, Math.min(sel.focus, count - 1), count, pageSize);
  if (to === null) return null;
  if (mods.range) return { selected: span(sel.anchor, to), anchor: sel.anchor, focus: to };
  if (mods.toggle) return { ...sel, focus: to };
  return { selected: [to], anchor: to, focus: to };
}

/** The selection with positions at or past `count` dropped (the list got shorter). */
export function within(sel: Selection, count: number): Selection {
  const last = Math.max(0, count - 1);
  return { selected: sel.selected.filter((p) => p < count), anchor: Math.min(sel.anchor, last), focus: Math.min(sel.focus, last) };
}
