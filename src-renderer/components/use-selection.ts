/**
 * Selection and the context menu for a list whose rows are one tab stop (roving tabindex), shared by the queue
 * and the track lists. Rows carry data-row; the rules themselves live in selection.ts.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type RefObject } from 'react';
import { menuAtElement, opensMenu, type MenuAt } from './ContextMenu.js';
import { clickSelect, contextSelect, EMPTY_SELECTION, keySelect, within, type Selection } from './selection.js';

const modifiers = (e: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }) => ({ toggle: e.ctrlKey || e.metaKey, range: e.shiftKey });

/**
 * `list` names what the rows are; when it changes (another search, another page) the selection is dropped.
 * `reveal` brings a row of a virtualised list on screen, so it can take the focus once it is rendered.
 */
export function useSelection(count: number, container: RefObject<HTMLElement | null>, list?: string, reveal?: (i: number) => void) {
  const [raw, setSel] = useState<Selection>(EMPTY_SELECTION);
  useEffect(() => setSel((s) => (s.selected.length > 0 ? { ...s, selected: [] } : s)), [list]);
  const [menu, setMenu] = useState<MenuAt | null>(null);
  const sel = within(raw, count);
  const selected = new Set(sel.selected);
  const rowAt = (i: number) => container.current?.querySelector<HTMLElement>(`[data-row="${i}"]`) ?? null;
  // The row is focused as soon as the change is on screen, before the next key is handled: a row re-rendered
  // elsewhere would otherwise leave the focus on the page, and a quick second key would be lost.
  const pending = useRef<number | null>(null);
  const focusPending = () => {
    if (pending.current === null) return;
    const row = rowAt(pending.current);
    if (row) {
      pending.current = null;
      if (document.activeElement !== row) row.focus();
    }
  };
  useLayoutEffect(focusPending);
  const focusRow = (i: number) => {
    pending.current = i;
    reveal?.(i);
    requestAnimationFrame(focusPending);
  };
  /** What an action applies to: the selection, or the focused row when nothing is selected. */
  const chosen = sel.selected.length > 0 ? sel.selected : count > 0 ? [sel.focus] : [];

  const rowProps = (i: number) => ({
    'data-row': i,
    tabIndex: i === sel.focus ? 0 : -1,
    'aria-selected': selected.has(i),
    onFocus: () => setSel((s) => (s.focus === i ? s : { ...s, focus: i })),
    onClick: (e: MouseEvent) => setSel(clickSelect(sel, i, modifiers(e))),
    onContextMenu: (e: MouseEvent<HTMLElement>) => {
      e.preventDefault();
      setSel(contextSelect(sel, i));
      setMenu({ x: e.clientX, y: e.clientY, returnTo: e.currentTarget });
    },
  });

  /** Handles the selection's keys and the menu's; true when the key was one of them. */
  function onKey(e: KeyboardEvent): boolean {
    if (opensMenu(e)) {
      const row = rowAt(sel.focus);
      if (row) {
        setSel(contextSelect(sel, sel.focus));
        setMenu(menuAtElement(row));
      }
      return true;
    }
    if (e.altKey) return false;
    if (e.key === 'Escape' && sel.selected.length > 0) {
      setSel({ ...sel, selected: [] });
      return true;
    }
    const next = keySelect(sel, e.key, modifiers(e), count, 8);
    if (!next) return false;
    setSel(next);
    if (next.focus !== sel.focus) focusRow(next.focus);
    return true;
  }

  return { sel, setSel, chosen, rowProps, onKey, menu, setMenu, focusRow };
}
