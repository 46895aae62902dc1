/**
 * The user's playlists: the list (make, rename, delete) and one playlist's page (play, remove entries, reorder by
 * drag or with Alt+arrows). Each change shows at once; the store takes it back when the server refuses.
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import { t, tn } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from '../components/app-context.js';
import { DownIcon, RemoveIcon, UpIcon } from '../components/Icons.js';
import { rovingKey } from '../components/roving.js';
import { missingTrack } from './FavouritesView.js';
import { Status } from './GroupPages.js';
import { useLoad } from './use-load.js';

function NameForm({ initial, label, submit, onDone, testId }: { initial: string; label: string; submit: string; onDone: (name: string) => void; testId: string }) {
  const [name, setName] = useState(initial);
  function send(e: FormEvent) {
    e.preventDefault();
    if (name.trim()) onDone(name.trim());
    setName(initial);
  }
  return (
    <form className="name-form" onSubmit={send} data-testid={testId}>
      <input aria-label={label} placeholder={label} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      <button type="submit" disabled={!name.trim()}>{submit}</button>
    </form>
  );
}

export function PlaylistsView() {
  const { userData, views } = useApp();
  const playlists = useStore(userData, (s) => s.playlists);
  const loadedOnce = useStore(userData, (s) => s.playlistsLoaded);
  useEffect(() => {
    void userData.getState().loadPlaylists();
  }, [userData]);
  return (
    <section className="library browse-view page" aria-label={t('view.playlists')} data-testid="playlists-view">
      <header className="page-head">
        <div className="page-head-text">
          <h2 className="page-title">{t('view.playlists')}</h2>
          <NameForm initial="" label={t('newPlaylist')} submit={t('create')} testId="new-playlist" onDone={(name) => void userData.getState().createPlaylist(name)} />
        </div>
      </header>
      {loadedOnce && playlists.length === 0 && <p className="empty" data-testid="no-playlists">{t('noPlaylists')}</p>}
      <ul className="playlist-list page-body" aria-label={t('view.playlists')}>
        {playlists.map((p) => (
          <li key={p.id} data-playlist-id={p.id}>
            <button type="button" className="link playlist-name" title={p.name} onClick={() => views.getState().open({ kind: 'playlist', id: p.id, name: p.name })}>{p.name}</button>
            <span className="playlist-count">{tn('tracks', p.count)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function PlaylistPage({ id, name }: { id: string; name: string }) {
  const { userData, index, player, views } = useApp();
  const open = useStore(userData, (s) => (s.open?.id === id ? s.open : null));
  const listed = useStore(userData, (s) => s.playlists.find((p) => p.id === id) ?? null);
  const [renaming, setRenaming] = useState(false);
  const [active, setActive] = useState(0);
  const dragFrom = useRef<number | null>(null);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    void userData.getState().openPlaylist(id);
  }, [userData, id]);
  const ids = open?.tracks ?? [];
  const [loaded, retry] = useLoad(`playlist:${ids.join(',')}`, async () => (await index.tracks.resolve(ids)).map((x, i) => x ?? missingTrack(ids[i]!)));
  const tracks: TrackInfo[] = loaded.state === 'done' && loaded.value.length === ids.length ? loaded.value : ids.map((x) => index.tracks.get(x) ?? missingTrack(x));
  const playable = tracks.filter((x) => x.playable);
  const title = open?.name ?? listed?.name ?? name;
  const u = userData.getState();
  const focusAt = (i: number) => {
    setActive(i);
    requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`[data-entry="${i}"]`)?.focus());
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= ids.length) return;
    void u.moveEntry(from, to);
    focusAt(to);
  };
  function onKey(e: KeyboardEvent, i: number) {
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      move(i, e.key === 'ArrowUp' ? i - 1 : i + 1);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      void u.removeEntries([i]);
      focusAt(Math.max(0, Math.min(i, ids.length - 2)));
    } else if (e.key === 'Enter') {
      const at = playable.indexOf(tracks[i]!);
      if (at >= 0) void player.getState().playTracks(playable, at);
    } else {
      const to = rovingKey(e.key, i, ids.length, 10);
      if (to === null) return;
      focusAt(to);
    }
    e.preventDefault();
  }
  const current = Math.min(active, Math.max(0, ids.length - 1));
  return (
    <section className="library browse-view page" aria-label={`${t('playlist')}: ${title}`} data-testid="playlist-page">
      <header className="page-head">
        <div className="page-head-text">
          <h2 className="page-title" title={title} data-testid="playlist-title">{title}</h2>
          <p className="page-facts">{tn('tracks', ids.length)}</p>
          {renaming && <NameForm initial={title} label={t('playlistName')} submit={t('save')} testId="rename-form" onDone={(n) => {
            setRenaming(false);
            void u.renamePlaylist(id, n);
          }} />}
          <div className="page-actions">
            <button type="button" className="primary" data-testid="play-playlist" disabled={playable.length === 0} onClick={() => void player.getState().playTracks(playable, 0)}>{t('playAll')}</button>
            <button type="button" aria-expanded={renaming} data-testid="rename-playlist" onClick={() => setRenaming(!renaming)}>{t('rename')}</button>
            <button type="button" data-testid="delete-playlist" disabled={!open} onClick={() => {
              void u.deletePlaylist(id);
              views.getState().open({ kind: 'playlists' });
            }}>{t('deletePlaylist')}</button>
          </div>
        </div>
      </header>
      {loaded.state === 'failed' && <Status loaded={loaded} retry={retry} />}
      {open && ids.length === 0 && <p className="empty" data-testid="empty-playlist">{t('emptyPlaylist')}</p>}
      <p className="hint" id="playlist-hint">{ids.length > 1 ? t('reorderHint') : ''}</p>
      <ol ref={list} className="track-table playlist-entries page-body" aria-label={title} aria-describedby="playlist-hint" data-roving data-testid="playlist-entries">
        {tracks.map((track, i) => (
          <li
            // The same track may stand twice; entries are known by position.
            key={`${i}:${track.id}`}
            className={`track-line${track.playable ? '' : ' unplayable'}`}
            draggable
            data-track-id={track.id}
            onDragStart={(e) => {
              dragFrom.current = i;
              e.dataTransfer.effectAllowed = 'move';
            }}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              if (dragFrom.current !== null) move(dragFrom.current, i);
              dragFrom.current = null;
            }}
          >
            <span className="track-no">{i + 1}</span>
            <button type="button" className="link track-line-title" data-entry={i} tabIndex={i === current ? 0 : -1} title={track.title}
              aria-label={[track.title, track.artist].filter(Boolean).join(' — ')} onFocus={() => setActive(i)} onKeyDown={(e) => onKey(e, i)}
              onClick={() => {
                const at = playable.indexOf(track);
                if (at >= 0) void player.getState().playTracks(playable, at);
              }}>{track.title}</button>
            <span className="track-line-artist" title={track.artist ?? ''}>{track.artist ?? ''}</span>
            <span className="track-line-time">{formatDuration(track.durationMs ?? 0)}</span>
            <span className="track-line-actions">
              <button type="button" className="icon" tabIndex={-1} aria-label={t('moveUp')} title={t('moveUp')} disabled={i === 0} onClick={() => move(i, i - 1)}><UpIcon /></button>
              <button type="button" className="icon" tabIndex={-1} aria-label={t('moveDown')} title={t('moveDown')} disabled={i === ids.length - 1} onClick={() => move(i, i + 1)}><DownIcon /></button>
              <button type="button" className="icon" tabIndex={-1} aria-label={t('remove')} title={t('remove')} data-testid="remove-entry" onClick={() => void u.removeEntries([i])}><RemoveIcon /></button>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
