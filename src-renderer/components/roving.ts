/**
 * Roving tabindex: a grid or list is one tab stop, and these keys move the focus inside it (WAI-ARIA Authoring
 * Practices, "Keyboard Navigation Inside Components").
 */

/** The index the focus moves to for `key` from `index` of `count` entries, or null when the key is not a move. */
export function rovingKey(key: string, index: number, count: number, pageSize: number): number | null {
  if (count === 0) return null;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown':
      return clamp(index + 1);
    case 'ArrowUp':
      return clamp(index - 1);
    case 'PageDown':
      return clamp(index + pageSize);
    case 'PageUp':
      return clamp(index - pageSize);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** Whether a key pressed in `target` belongs to a grid or list that moves its focus with arrows. */
export function insideRovingWidget(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[data-roving]') !== null;
}
