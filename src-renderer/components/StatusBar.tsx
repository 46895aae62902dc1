import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { errorText, t } from '../i18n.js';
import { useApp } from './app-context.js';

/** Seconds left until `at`, ticking while there are any. */
function useCountdown(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The connection in words (with a countdown and "Retry now" while reconnecting), the player's last error. */
export function StatusBar() {
  const { connection, player } = useApp();
  const state = useStore(connection, (s) => s.connection);
  const retryAt = useStore(connection, (s) => s.retryAt);
  const playerError = useStore(player, (s) => s.error);
  const seconds = useCountdown(state.status === 'reconnecting' ? retryAt : null);
  let text = '';
  if (state.status === 'connected') text = state.session.local ? t('connectedLocal') : t('connected', { address: state.session.address, user: state.session.user });
  else if (state.status === 'connecting') text = t('connecting');
  else if (state.status === 'disconnected') text = state.identityChanged ? t('disconnectedIdentityChanged', { address: state.identityChanged.address }) : t('disconnected');
  else if (state.status === 'untrusted') text = t('untrusted', { address: state.address });
  else if (seconds !== null && seconds > 0) text = t('reconnecting', { address: state.address, seconds });
  else text = t('reconnectingNow', { address: state.address });
  const errorWords = playerError ? errorText(playerError.code, playerError.message) : null;
  return (
    <header className="status-bar" data-testid="connection-status" data-status={state.status}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-text" role="status" title={text}>{text}</span>
      {state.status === 'reconnecting' && (
        <button type="button" className="secondary" data-testid="retry-now" onClick={() => void connection.getState().retryNow()}>{t('retryNow')}</button>
      )}
      {errorWords && <span className="error" role="alert" title={errorWords}>{errorWords}</span>}
      <span className="spacer" />
      <LanguagePicker />
      <button type="button" className="secondary" onClick={() => connection.getState().setConnectOpen(true)}>{t('changeServer')}</button>
    </header>
  );
}

function LanguagePicker() {
  const { ui } = useApp();
  const language = useStore(ui, (s) => s.language);
  return (
    <select className="language" aria-label={t('language')} title={t('language')} value={language} onChange={(e) => ui.getState().setLanguage(e.target.value as 'auto')}>
      <option value="auto">{t('languageAuto')}</option>
      <option value="en">English</option>
      <option value="zh-CN">简体中文</option>
    </select>
  );
}
