/**
 * A context menu (WAI-ARIA menu pattern): opened by a right click or the Menu key / Shift+F10 on a list's rows,
 * it takes the focus; arrows, Home and End move it, Enter or Space chooses, Escape or Tab closes and gives the
 * focus back to where it came from. A click anywhere else closes it.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItem {
  label: string;
  run: () => void;
  disabled?: boolean;
  testId?: string;
}

export interface MenuAt {
  x: number;
  y: number;
  /** Focused again when the menu closes. */
  returnTo: HTMLElement | null;
}

/** Where a menu opened from the keyboard appears: at the focused row's start, below its top. */
export function menuAtElement(el: HTMLElement): MenuAt {
  const r = el.getBoundingClientRect();
  return { x: r.left + 16, y: r.top + r.height / 2, returnTo: el };
}

/** Whether a key opens the context menu: the Menu key, or Shift+F10. */
export function opensMenu(e: { key: string; shiftKey: boolean }): boolean {
  return e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10');
}

export function ContextMenu({ at, label, items, onClose, testId }: { at: MenuAt; label: string; items: MenuItem[]; onClose: () => void; testId?: string }) {
  const menu = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: at.x, top: at.y });
  const enabled = items.map((it, i) => (it.disabled ? -1 : i)).filter((i) => i >= 0);
  const [active, setActive] = useState(enabled[0] ?? 0);

  const close = (refocus = true) => {
    onClose();
    if (refocus) at.returnTo?.focus({ preventScroll: true });
  };

  // Kept inside the window: a menu opened near the right or bottom edge opens to the left or upwards.
  useLayoutEffect(() => {
    const r = menu.current?.getBoundingClientRect();
    if (!r) return;
    setPos({
      left: Math.max(4, Math.min(at.x, window.innerWidth - r.width - 4)),
      top: Math.max(4, at.y + r.height > window.innerHeight - 4 ? at.y - r.height : at.y),
    });
  }, [at.x, at.y]);

  useEffect(() => {
    menu.current?.querySelector<HTMLElement>(`[data-item="${active}"]`)?.focus({ preventScroll: true });
  }, [active]);

  useEffect(() => {
    const away = (e: Event) => {
      if (!menu.current?.contains(e.target as Node)) close(false);
    };
    const blur = () => close(false);
    document.addEventListener('mousedown', away, true);
    window.addEventListener('blur', blur);
    window.addEventListener('resize', blur);
    return () => {
      document.removeEventListener('mousedown', away, true);
      window.removeEventListener('blur', blur);
      window.removeEventListener('resize', blur);
    };
  });

  function onKey(e: KeyboardEvent) {
    const at = enabled.indexOf(active);
    let to: number | undefined;
    if (e.key === 'ArrowDown') to = enabled[(at + 1) % enabled.length];
    else if (e.key === 'ArrowUp') to = enabled[(at - 1 + enabled.length) % enabled.length];
    else if (e.key === 'Home') to = enabled[0];
    else if (e.key === 'End') to = enabled[enabled.length - 1];
    else if (e.key === 'Escape' || e.key === 'Tab' || opensMenu(e)) close();
    else if (e.key.length === 1 && e.key !== ' ') {
      // Type-ahead: the next item starting with the letter.
      const k = e.key.toLowerCase();
      to = enabled.slice(at + 1).concat(enabled.slice(0, at + 1)).find((i) => items[i]!.label.toLowerCase().startsWith(k));
    } else if (e.key !== 'Enter' && e.key !== ' ') return;
    if (to !== undefined) setActive(to);
    // Enter and Space press the focused item's button themselves; nothing else reaches the player's shortcuts.
    if (e.key !== 'Enter' && e.key !== ' ') e.preventDefault();
    e.stopPropagation();
  }

  return (
    <div ref={menu} className="context-menu" role="menu" aria-label={label} data-testid={testId} style={pos} onKeyDown={onKey}
      onContextMenu={(e) => e.preventDefault()}>
      {items.map((it, i) => (
        <button key={it.label} type="button" role="menuitem" className="link menu-item" data-item={i} data-testid={it.testId} tabIndex={i === active ? 0 : -1}
          disabled={it.disabled} aria-disabled={it.disabled || undefined} title={it.label}
          onMouseEnter={() => !it.disabled && setActive(i)}
          onClick={() => {
            close();
            it.run();
          }}>
          {it.label}
        </button>
      ))}
    </div>
  );
}
