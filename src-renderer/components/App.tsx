import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useApp } from './app-context.js';
import { ConnectScreen } from './ConnectScreen.js';
import { MainView } from '../views/MainView.js';
import { NowPlayingBar } from './NowPlayingBar.js';
import { QueuePanel } from './QueuePanel.js';
import { insideRovingWidget } from './roving.js';
import { StatusBar } from './StatusBar.js';
import { TrustDialogs } from './TrustDialogs.js';
import { AddToPlaylistDialog, UserDataNoticeLine } from '../views/UserDataParts.js';

/** Keys typed into a field of text are the field's, not the player's. */
function typingIn(target: EventTarget | null): boolean {
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['range', 'checkbox', 'radio', 'button'].includes(target.type);
}

/** A control that Space or Enter would press itself. */
function pressable(target: EventTarget | null): boolean {
  return target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || target instanceof HTMLSelectElement;
}

export function App() {
  const { connection, library, player, ui, api } = useApp();
  const state = useStore(connection, (s) => s.connection);
  const connectOpen = useStore(connection, (s) => s.connectOpen);
  const queueOpen = useStore(ui, (s) => s.queueOpen);
  const language = useStore(ui, (s) => s.language);
  const searchRef = useRef<HTMLInputElement>(null);
  const everConnected = useRef(false);
  if (state.status === 'connected') everConnected.current = true;

  // A new session (or a reconnect to another server) gets a fresh library list.
  const sessionKey = state.status === 'connected' ? `${state.session.address}/${state.session.user}` : null;
  const { browse, userData, index } = useApp();
  useEffect(() => {
    if (!sessionKey) return;
    index.clear();
    userData.getState().reset();
    void userData.getState().loadFavourites();
    void userData.getState().loadPlaylists();
    void library.getState().reload();
    for (const list of [browse.albums, browse.artists, browse.genres]) if (list.getState().loaded) void list.getState().reload();
  }, [library, browse, userData, index, sessionKey]);
  // Back on the same server after a drop: a list that failed meanwhile is asked for again.
  const connected = state.status === 'connected';
  useEffect(() => {
    if (connected && library.getState().error) void library.getState().reload();
  }, [library, connected]);

  useEffect(() => {
    return api.onEvent((e) => {
      if (e.type === 'menu' && e.command === 'focus-search') searchRef.current?.focus();
      if (e.type === 'menu' && e.command === 'toggle-queue') ui.getState().toggleQueue();
    });
  }, [api, ui]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const p = player.getState();
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      // Media keys, where the system hands them to the page rather than to the MediaSession.
      if (e.key === 'MediaTrackNext') void p.next();
      else if (e.key === 'MediaTrackPrevious') void p.previous();
      else if (e.key === 'MediaPlayPause') void p.togglePlay();
      else if ((e.ctrlKey || e.metaKey) && e.key === 'ArrowRight' && !typingIn(e.target)) void p.next();
      else if ((e.ctrlKey || e.metaKey) && e.key === 'ArrowLeft' && !typingIn(e.target)) void p.previous();
      else if (typingIn(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      else if (e.key === ' ' && !pressable(e.target)) void p.togglePlay();
      else if (e.target instanceof HTMLInputElement && e.target.type === 'range') return;
      else if (e.key === 'ArrowLeft') void p.seekBy(-5000);
      else if (e.key === 'ArrowRight') void p.seekBy(5000);
      else if (e.key === 'ArrowUp' && !insideRovingWidget(e.target)) p.setVolume(p.volume + 0.05);
      else if (e.key === 'ArrowDown' && !insideRovingWidget(e.target)) p.setVolume(p.volume - 0.05);
      else if (e.key === 'n' || e.key === 'N') void p.next();
      else if (e.key === 'p' || e.key === 'P') void p.previous();
      else if (e.key === 'm' || e.key === 'M') p.toggleMute();
      else if (e.key === 's' || e.key === 'S') p.toggleShuffle();
      else if (e.key === 'r' || e.key === 'R') p.cycleRepeat();
      else if (e.key === 'q' || e.key === 'Q') ui.getState().toggleQueue();
      else return;
      e.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [player, ui]);

  const showConnect = connectOpen || (!everConnected.current && state.status !== 'connected');
  // Opened over the library (from the menu or "Change server", while connected or reconnecting): it can be left.
  const cancel = everConnected.current ? () => connection.getState().setConnectOpen(false) : undefined;
  if (showConnect) {
    return (
      <>
        <ConnectScreen key={language} onCancel={cancel} />
        <TrustDialogs key={`trust-${language}`} />
      </>
    );
  }

  return (
    <div className={`app${queueOpen ? ' with-queue' : ''}`} key={language}>
      <StatusBar />
      <MainView searchRef={searchRef} />
      {queueOpen && <QueuePanel />}
      <NowPlayingBar />
      <UserDataNoticeLine />
      <AddToPlaylistDialog />
      <TrustDialogs />
    </div>
  );
}
