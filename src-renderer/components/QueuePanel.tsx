import { useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { t } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from './app-context.js';
import { DownIcon, RemoveIcon, UpIcon } from './Icons.js';
import { rovingKey } from './roving.js';
import { AddToPlaylistButton } from '../views/UserDataParts.js';

/**
 * The play queue: what plays now and next; reorder, remove, clear. One tab stop for the whole list (roving
 * tabindex): arrows move, Enter plays, Delete removes, Alt+arrows move the entry.
 */
export function QueuePanel() {
  const { player } = useApp();
  const queue = useStore(player, (s) => s.queue);
  const index = useStore(player, (s) => s.index);
  const [active, setActive] = useState(0);
  const list = useRef<HTMLOListElement>(null);
  const p = player.getState();
  const focusAt = (i: number) => {
    setActive(i);
    requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`[data-entry="${i}"]`)?.focus());
  };
  const current = Math.min(active, Math.max(0, queue.length - 1));

  function onKey(e: KeyboardEvent, i: number) {
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      const to = e.key === 'ArrowUp' ? i - 1 : i + 1;
      if (to >= 0 && to < queue.length) {
        p.move(i, to);
        focusAt(to);
      }
      e.preventDefault();
      return;
    }
    if (e.key === 'Delete' || e.key === 'Backspace') {
      p.removeAt(i);
      focusAt(Math.min(i, queue.length - 2));
      e.preventDefault();
      return;
    }
    const to = rovingKey(e.key, i, queue.length, 8);
    if (to !== null) {
      focusAt(to);
      e.preventDefault();
    }
  }

  return (
    <aside className="queue" id="queue-panel" aria-labelledby="queue-title">
      <header>
        <h2 id="queue-title" title={t('queue')}>{t('queue')}</h2>
        <AddToPlaylistButton tracks={queue.filter((x) => x.playable)} />
        <button type="button" className="secondary" disabled={queue.length <= 1} onClick={() => p.clearQueue()}>{t('clearQueue')}</button>
      </header>
      {queue.length === 0 && <p className="empty">{t('queueEmpty')}</p>}
      <ol ref={list} aria-labelledby="queue-title" data-roving>
        {queue.map((track, i) => {
          const label = [track.title, track.artist].filter(Boolean).join(' — ');
          return (
            <li key={`${track.id}-${i}`} className={i === index ? 'current' : i < index ? 'played' : ''} aria-current={i === index ? 'true' : undefined}>
              <button
                type="button"
                className="link q-title"
                data-entry={i}
                tabIndex={i === current ? 0 : -1}
                title={label}
                onFocus={() => setActive(i)}
                onKeyDown={(e) => onKey(e, i)}
                onClick={() => void p.playAt(i)}
              >
                {track.title}
              </button>
              <span className="q-time">{formatDuration(track.durationMs)}</span>
              <span className="q-actions">
                <button type="button" className="icon" tabIndex={-1} aria-label={t('moveUp')} title={t('moveUp')} disabled={i === 0} onClick={() => p.move(i, i - 1)}><UpIcon /></button>
                <button type="button" className="icon" tabIndex={-1} aria-label={t('moveDown')} title={t('moveDown')} disabled={i === queue.length - 1} onClick={() => p.move(i, i + 1)}><DownIcon /></button>
                <button type="button" className="icon" tabIndex={-1} aria-label={t('remove')} title={t('remove')} disabled={i === index} onClick={() => p.removeAt(i)}><RemoveIcon /></button>
              </span>
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
