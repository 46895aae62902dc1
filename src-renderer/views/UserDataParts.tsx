/** The user's data in other views: the heart, "Add to playlist…", the dialog that picks the playlist, the notices. */
import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import type { FavouriteKind } from '../../src-shared/protocol/userdata.js';
import { t, type MessageKey } from '../i18n.js';
import { useApp } from '../components/app-context.js';
import './userdata.css';

export const HeartIcon = ({ filled }: { filled: boolean }) => (
  <svg width={16} height={16} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill={filled ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth={2}>
    <path d="M12 20.5s-7.5-4.6-7.5-10.2A4.3 4.3 0 0 1 12 7.6a4.3 4.3 0 0 1 7.5 2.7c0 5.6-7.5 10.2-7.5 10.2z" />
  </svg>
);

export const PlaylistAddIcon = () => (
  <svg width={16} height={16} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="currentColor">
    <path d="M3 6h12v2H3zM3 11h12v2H3zM3 16h8v2H3zM17 13h2v3h3v2h-3v3h-2v-3h-3v-2h3z" />
  </svg>
);

/** A heart that favourites (or no longer) a track, an album or an artist; pressed while it is one. */
export function FavouriteButton({ kind, id, tabbable = true, testId }: { kind: FavouriteKind; id: string; tabbable?: boolean; testId?: string }) {
  const { userData } = useApp();
  const on = useStore(userData, (s) => s.favourites.some((f) => f.kind === kind && f.id === id));
  const label = on ? t('unfavourite') : t('favourite');
  return (
    <button
      type="button"
      className={`icon toggle heart${on ? ' on' : ''}`}
      tabIndex={tabbable ? undefined : -1}
      aria-label={label}
      title={label}
      aria-pressed={on}
      data-testid={testId ?? `favourite-${kind}`}
      onClick={() => void userData.getState().toggleFavourite(kind, id)}
    >
      <HeartIcon filled={on} />
    </button>
  );
}

export function AddToPlaylistButton({ tracks, tabbable = true }: { tracks: TrackInfo[]; tabbable?: boolean }) {
  const { userData } = useApp();
  return (
    <button type="button" className="icon" tabIndex={tabbable ? undefined : -1} aria-label={t('addToPlaylist')} title={t('addToPlaylist')} data-testid="add-to-playlist"
      disabled={tracks.length === 0} onClick={() => userData.getState().askPlaylistFor(tracks)}>
      <PlaylistAddIcon />
    </button>
  );
}

/** Which playlist the tracks go to: one of the user's, or a new one named here. Escape or Cancel leaves it. */
export function AddToPlaylistDialog() {
  const { userData, index } = useApp();
  const adding = useStore(userData, (s) => s.adding);
  const playlists = useStore(userData, (s) => s.playlists);
  const [name, setName] = useState('');
  const close = () => {
    setName('');
    userData.getState().askPlaylistFor(null);
  };
  useEffect(() => {
    if (!adding) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopImmediatePropagation();
      close();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  });
  if (!adding) return null;
  const ids = adding.map((x) => x.id);
  index.tracks.remember(adding);
  const addTo = (id: string) => {
    close();
    void userData.getState().addToPlaylist(id, ids);
  };
  async function create(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    close();
    await userData.getState().createPlaylist(name.trim(), ids);
  }
  return (
    <div className="modal-backdrop">
      <section className="modal playlist-picker" role="dialog" aria-modal="true" aria-labelledby="picker-title" data-testid="playlist-picker">
        <h2 id="picker-title">{t('addToPlaylistTitle', { n: adding.length === 1 ? `“${adding[0]!.title}”` : adding.length })}</h2>
        {playlists.length > 0 && (
          <ul className="picker-list">
            {playlists.map((p) => (
              <li key={p.id}><button type="button" title={p.name} onClick={() => addTo(p.id)}>{p.name}</button></li>
            ))}
          </ul>
        )}
        <form className="picker-new" onSubmit={(e) => void create(e)}>
          <input aria-label={t('playlistName')} placeholder={t('newPlaylist')} value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} />
          <button type="submit" disabled={!name.trim()}>{t('create')}</button>
        </form>
        <div className="actions">
          <button type="button" className="secondary" onClick={close}>{t('cancel')}</button>
        </div>
      </section>
    </div>
  );
}

/** What became of a refused change, over the library until dismissed. */
export function UserDataNoticeLine() {
  const { userData } = useApp();
  const notice = useStore(userData, (s) => s.notice);
  if (!notice) return null;
  return (
    <div className="userdata-notice" role="alert" data-testid="userdata-notice" key={notice.serial}>
      <span title={t(notice.key as MessageKey, notice.values)}>{t(notice.key as MessageKey, notice.values)}</span>
      <button type="button" onClick={() => userData.getState().dismissNotice()}>{t('dismiss')}</button>
    </div>
  );
}
