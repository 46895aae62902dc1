import { useStore } from 'zustand';
import { t } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from './app-context.js';
import { DownIcon, RemoveIcon, UpIcon } from './Icons.js';

/** The play queue: what plays now and next; reorder, remove, clear. */
export function QueuePanel() {
  const { player } = useApp();
  const queue = useStore(player, (s) => s.queue);
  const index = useStore(player, (s) => s.index);
  const p = player.getState();
  return (
    <aside className="queue" aria-label={t('queue')}>
      <header>
        <h2>{t('queue')}</h2>
        <button type="button" className="secondary" onClick={() => p.clearQueue()}>{t('clearQueue')}</button>
      </header>
      {queue.length === 0 && <p className="empty">{t('queueEmpty')}</p>}
      <ol>
        {queue.map((track, i) => (
          <li key={`${track.id}-${i}`} className={i === index ? 'current' : i < index ? 'played' : ''}>
            <button type="button" className="link q-title" onClick={() => void p.playAt(i)}>{track.title}</button>
            <span className="q-time">{formatDuration(track.durationMs)}</span>
            <span className="q-actions">
              <button type="button" className="icon" aria-label={t('moveUp')} title={t('moveUp')} disabled={i === 0} onClick={() => p.move(i, i - 1)}><UpIcon /></button>
              <button type="button" className="icon" aria-label={t('moveDown')} title={t('moveDown')} disabled={i === queue.length - 1} onClick={() => p.move(i, i + 1)}><DownIcon /></button>
              <button type="button" className="icon" aria-label={t('remove')} title={t('remove')} disabled={i === index} onClick={() => p.removeAt(i)}><RemoveIcon /></button>
            </span>
          </li>
        ))}
      </ol>
    </aside>
  );
}
