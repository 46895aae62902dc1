import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { errorText, t } from '../i18n.js';
import { useApp } from './app-context.js';
import { ConnectScreen } from './ConnectScreen.js';
import { LibraryView } from './LibraryView.js';
import { NowPlayingBar } from './NowPlayingBar.js';
import { QueuePanel } from './QueuePanel.js';

export function App() {
  const { connection, library, player, api } = useApp();
  const state = useStore(connection, (s) => s.connection);
  const connectOpen = useStore(connection, (s) => s.connectOpen);
  const playerError = useStore(player, (s) => s.error);
  const [queueOpen, setQueueOpen] = useState(true);
  const searchRef = useRef<HTMLInputElement>(null);
  const everConnected = useRef(false);
  if (state.status === 'connected') everConnected.current = true;

  // A new session (or a reconnect to another server) gets a fresh library list.
  const sessionKey = state.status === 'connected' ? `${state.session.address}/${state.session.user}` : null;
  useEffect(() => {
    if (sessionKey) void library.getState().reload();
  }, [library, sessionKey]);

  useEffect(() => {
    return api.onEvent((e) => {
      if (e.type === 'menu' && e.command === 'focus-search') searchRef.current?.focus();
      if (e.type === 'menu' && e.command === 'toggle-queue') setQueueOpen((o) => !o);
    });
  }, [api]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const typing = e.target instanceof HTMLInputElement && e.target.type !== 'range' && e.target.type !== 'checkbox';
      const p = player.getState();
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === ' ') void p.togglePlay();
      else if (e.key === 'ArrowLeft') void p.seekBy(-5000);
      else if (e.key === 'ArrowRight') void p.seekBy(5000);
      else if (e.key === 'ArrowUp') p.setVolume(p.volume + 0.05);
      else if (e.key === 'ArrowDown') p.setVolume(p.volume - 0.05);
      else return;
      e.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [player]);

  const showConnect = connectOpen || (!everConnected.current && state.status !== 'connected');
  if (showConnect) return <ConnectScreen />;

  return (
    <div className={`app${queueOpen ? ' with-queue' : ''}`}>
      <header className="status-bar" data-testid="connection-status" data-status={state.status}>
        <span className="status-dot" />
        <span className="status-text">
          {state.status === 'connected' && (state.session.local ? t('connectedLocal') : t('connected', { address: state.session.address, user: state.session.user }))}
          {state.status === 'connecting' && t('connecting')}
          {state.status === 'reconnecting' && t('reconnecting', { address: state.address, seconds: Math.ceil(state.retryInMs / 1000) })}
          {state.status === 'disconnected' && t('disconnected')}
        </span>
        {playerError && <span className="error" role="alert">{errorText(playerError.code, playerError.message)}</span>}
        <span className="spacer" />
        <button type="button" className="secondary" onClick={() => connection.getState().setConnectOpen(true)}>{t('changeServer')}</button>
      </header>
      <LibraryView searchRef={searchRef} />
      {queueOpen && <QueuePanel />}
      <NowPlayingBar onToggleQueue={() => setQueueOpen((o) => !o)} />
    </div>
  );
}
