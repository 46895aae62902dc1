import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { t, tn } from '../i18n.js';
import { moveBlockOrder, positionsAfter, stepOrder } from '../stores/queue-order.js';
import { formatDuration } from '../time-format.js';
import { useApp } from './app-context.js';
import { ContextMenu, type MenuItem } from './ContextMenu.js';
import { RemoveIcon } from './Icons.js';
import { useSelection } from './use-selection.js';
import { AddToPlaylistButton } from '../views/UserDataParts.js';

/** Rows are this tall (styles.css, .q-row), so a queue of 100,000 entries renders only the rows in view. */
const ROW_HEIGHT = 32;

/**
 * The play queue: what plays now and next. A grid of one tab stop (roving tabindex) with multi-select; the
 * selection is played, moved (drag, Alt+arrows, the context menu) or removed (Delete, the menu). The entry
 * playing keeps playing wherever it is moved; what changed is announced to screen readers.
 */
export function QueuePanel() {
  const { player, userData } = useApp();
  const queue = useStore(player, (s) => s.queue);
  const index = useStore(player, (s) => s.index);
  const grid = useRef<HTMLDivElement>(null);
  const reveal = useRef<(i: number) => void>(() => {});
  const { sel, setSel, chosen, rowProps, onKey: selectionKey, menu, setMenu, focusRow } = useSelection(queue.length, grid, undefined, (i) => reveal.current(i));
  // Keyed by the track and which of its copies this is, so a moved row keeps its element (and the focus).
  const keys = useMemo(() => {
    const copies = new Map<string, number>();
    return queue.map((track) => {
      const copy = (copies.get(track.id) ?? 0) + 1;
      copies.set(track.id, copy);
      return `${track.id}#${copy}`;
    });
  }, [queue]);
  const virtualizer = useVirtualizer({
    count: queue.length,
    getScrollElement: () => grid.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => keys[i] ?? i,
    // The focused row stays rendered when scrolled away: it is the grid's tab stop.
    rangeExtractor: (range) => {
      const rows = defaultRangeExtractor(range);
      return sel.focus < queue.length && !rows.includes(sel.focus) ? [...rows, sel.focus].sort((a, b) => a - b) : rows;
    },
  });
  reveal.current = (i) => virtualizer.scrollToIndex(i, { align: 'auto' });
  // Opened on a long queue, the panel shows the entry playing (once, as it opens: not at every track change).
  useEffect(() => {
    const at = player.getState().index;
    if (at > 0) virtualizer.scrollToIndex(at, { align: 'center' });
  }, [player, virtualizer]);
  const [said, say] = useState('');
  const [drop, setDrop] = useState<number | null>(null);
  const dragging = useRef<number[] | null>(null);
  const p = player.getState();

  // Positions name entries: a queue changed elsewhere (played from a list, shuffled) drops the selection.
  const ours = useRef(queue);
  useEffect(() => {
    if (queue !== ours.current) setSel((s) => ({ ...s, selected: [] }));
    ours.current = queue;
  }, [queue, setSel]);
  const edit = (change: () => void) => {
    change();
    ours.current = player.getState().queue;
  };

  function move(positions: number[], order: number[] | null) {
    if (!order) return;
    edit(() => p.reorder(order));
    const now = positionsAfter(order, positions);
    const focus = order.indexOf(sel.focus);
    setSel({ selected: now, anchor: now[0] ?? 0, focus: focus >= 0 ? focus : (now[0] ?? 0) });
    focusRow(focus >= 0 ? focus : (now[0] ?? 0));
    say(tn('queueMoved', now.length, { at: (now[0] ?? 0) + 1, last: (now[now.length - 1] ?? 0) + 1, total: queue.length }));
  }
  const moveTo = (positions: number[], before: number) => move(positions, moveBlockOrder(queue.length, positions, before));

  function remove(positions: number[]) {
    const gone = positions.filter((i) => i !== index && queue[i]);
    if (gone.length === 0) return;
    edit(() => p.removeEntries(gone));
    const left = player.getState().queue.length;
    // The focus goes to the entry that took the first removed one's place.
    const at = Math.max(0, Math.min(Math.min(...gone), left - 1));
    setSel({ selected: [], anchor: at, focus: at });
    focusRow(at);
    say(tn('queueRemoved', gone.length));
  }

  function onKey(e: KeyboardEvent) {
    let done = selectionKey(e);
    if (done) {
      // Space and arrows are the list's here, not the player's shortcuts.
    } else if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      move(chosen, stepOrder(queue.length, chosen, e.key === 'ArrowUp' ? -1 : 1));
      done = true;
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      remove(chosen);
      done = true;
    } else if (e.key === 'Enter') {
      void p.playAt(sel.focus);
      done = true;
    }
    if (done) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  /**
   * Where a drop lands: over a row, before it in its upper half and after it in its lower half; above the rows
   * (the panel's header) the top, below them the end.
   */
  function dropBefore(e: DragEvent): number {
    const row = (e.target as Element).closest<HTMLElement>('[data-row]');
    if (!row) {
      const first = grid.current?.querySelector('[data-row]');
      return first && e.clientY < first.getBoundingClientRect().top ? 0 : queue.length;
    }
    const r = row.getBoundingClientRect();
    const i = Number(row.dataset.row);
    return e.clientY < r.top + r.height / 2 ? i : i + 1;
  }

  const playingSelected = chosen.length > 0 && chosen.every((i) => i === index);
  const items: MenuItem[] = [
    { label: t('playNow'), testId: 'menu-play-now', run: () => void p.playEntries(chosen) },
    { label: t('playNext'), testId: 'menu-play-next', disabled: playingSelected, run: () => moveTo(chosen, index + 1) },
    { label: t('moveToTop'), testId: 'menu-move-top', run: () => moveTo(chosen, 0) },
    { label: t('moveToBottom'), testId: 'menu-move-bottom', run: () => moveTo(chosen, queue.length) },
    { label: t('addToPlaylist'), testId: 'menu-add-to-playlist', run: () => userData.getState().askPlaylistFor(chosen.map((i) => queue[i]!).filter((x) => x.playable)) },
    { label: t('remove'), testId: 'menu-remove', disabled: playingSelected, run: () => remove(chosen) },
    { label: t('clearWholeQueue'), testId: 'menu-clear', disabled: queue.length <= 1, run: () => edit(() => p.clearQueue()) },
  ];

  return (
    // The whole panel takes drops: below the last row is the end of the queue.
    <aside className="queue" id="queue-panel" aria-labelledby="queue-title"
      onDragOver={(e) => {
        if (!dragging.current) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setDrop(dropBefore(e));
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDrop(null);
      }}
      onDrop={(e) => {
        e.preventDefault();
        const moving = dragging.current;
        dragging.current = null;
        setDrop(null);
        if (moving) moveTo(moving, dropBefore(e));
      }}
    >
      <header>
        <h2 id="queue-title" title={t('queue')}>{t('queue')}</h2>
        <AddToPlaylistButton tracks={queue.filter((x) => x.playable)} />
        <button type="button" className="secondary" disabled={queue.length <= 1} onClick={() => edit(() => p.clearQueue())}>{t('clearQueue')}</button>
      </header>
      {/* Always there, so selecting never shifts the rows under the pointer (a drag would miss its target). */}
      <p className="q-status" data-testid="queue-selected">{sel.selected.length > 1 ? t('selectedCount', { n: sel.selected.length }) : tn('tracks', queue.length)}</p>
      <p id="queue-hint" className="visually-hidden">{t('queueHint')}</p>
      <p className="visually-hidden" aria-live="polite" data-testid="queue-announce">{said}</p>
      {queue.length === 0 && <p className="empty">{t('queueEmpty')}</p>}
      {queue.length > 0 && (
        <div
          ref={grid}
          className="queue-list"
          role="grid"
          aria-labelledby="queue-title"
          aria-describedby="queue-hint"
          aria-multiselectable="true"
          aria-rowcount={queue.length}
          data-roving
          data-testid="queue-list"
          onKeyDown={onKey}
        >
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const i = item.index;
              const track = queue[i]!;
              const label = [track.title, track.artist].filter(Boolean).join(' — ');
              const row = rowProps(i);
              const classes = [i === index ? 'current' : i < index ? 'played' : '', row['aria-selected'] ? 'selected' : '',
                drop === i ? 'drop-before' : '', drop === i + 1 && i === queue.length - 1 ? 'drop-after' : ''].filter(Boolean).join(' ');
              return (
                <div
                  key={item.key}
                  role="row"
                  className={`q-row ${classes}`}
                  style={{ transform: `translateY(${item.start}px)` }}
                  aria-rowindex={i + 1}
                  aria-current={i === index ? 'true' : undefined}
                  aria-label={label}
                  data-track-id={track.id}
                  draggable
                  {...row}
                  onDoubleClick={() => void p.playAt(i)}
                  onDragStart={(e) => {
                    const moving = sel.selected.includes(i) ? sel.selected : [i];
                    if (!sel.selected.includes(i)) setSel({ selected: [i], anchor: i, focus: i });
                    dragging.current = moving;
                    e.dataTransfer.effectAllowed = 'move';
                    e.dataTransfer.setData('text/plain', moving.map((m) => queue[m]!.title).join('\n'));
                  }}
                  onDragEnd={() => {
                    dragging.current = null;
                    setDrop(null);
                  }}
                >
                  <span role="gridcell" className="q-title" title={label}>{track.title}</span>
                  <span role="gridcell" className="q-time">{formatDuration(track.durationMs)}</span>
                  <span role="gridcell" className="q-actions" onClick={(e) => e.stopPropagation()} onDoubleClick={(e) => e.stopPropagation()}>
                    <button type="button" className="icon" tabIndex={-1} aria-label={t('remove')} title={t('remove')} disabled={i === index} onClick={() => remove([i])}><RemoveIcon /></button>
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      )}
      {menu && <ContextMenu at={menu} label={t('queueActions', { n: chosen.length })} items={items} testId="queue-menu" onClose={() => setMenu(null)} />}
    </aside>
  );
}
