import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { DEFAULT_PORT } from '../../src-shared/protocol/constants.js';
import { parseAddress } from '../../src-shared/ipc/validate.js';
import { errorText, keychainNotice, t } from '../i18n.js';
import { useApp } from './app-context.js';
import { TrustedServers } from './TrustedServers.js';

/** Where to read how to set up a keychain; the shell opens only these hosts in the system browser. */
const KEYCHAIN_HELP = [
  ['GNOME Keyring', 'https://wiki.gnome.org/Projects/GnomeKeyring'],
  ['KWallet', 'https://userbase.kde.org/KDE_Wallet_Manager'],
] as const;

/**
 * Address, user and password; errors said in words, next to the form. Opened over the library (`onCancel`
 * given), it is a dialog that Cancel or Escape closes, leaving the connection (or the reconnect) as it was.
 */
export function ConnectScreen({ onCancel }: { onCancel?: () => void }) {
  const { connection } = useApp();
  const busy = useStore(connection, (s) => s.busy);
  const error = useStore(connection, (s) => s.error);
  const recent = useStore(connection, (s) => s.recent);
  const local = useStore(connection, (s) => s.localServer);
  const keychain = useStore(connection, (s) => s.keychain);
  const notice = keychainNotice(keychain);
  const [address, setAddress] = useState(recent[0] ? `${recent[0].host}:${recent[0].port}` : '');
  const [user, setUser] = useState(recent[0]?.user ?? '');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(true);
  const [addressError, setAddressError] = useState(false);

  // The recent servers can arrive after the screen is shown (at start): the last one fills fields left empty.
  const last = recent[0];
  useEffect(() => {
    if (!last) return;
    setAddress((a) => a || `${last.host}:${last.port}`);
    setUser((u) => u || last.user);
  }, [last]);

  useEffect(() => {
    if (!onCancel) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onCancel();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseAddress(address, DEFAULT_PORT);
    setAddressError(parsed === null);
    if (!parsed) return;
    await connection.getState().connect({ ...parsed, user, password, remember });
  }

  return (
    <main className="connect-screen">
      <form
        className="connect-card"
        onSubmit={(e) => void submit(e)}
        aria-labelledby="connect-title"
        role={onCancel ? 'dialog' : undefined}
        aria-modal={onCancel ? true : undefined}
      >
        <h1 id="connect-title">{t('connectTitle')}</h1>
        <label>
          {t('address')}
          <input name="address" value={address} onChange={(e) => setAddress(e.target.value)} placeholder={t('addressHint')} autoFocus required />
        </label>
        <label>
          {t('user')}
          <input name="user" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </label>
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          {t('remember')}
        </label>
        {notice && (
          <p className="notice keychain-notice" role="note">
            {notice}{' '}
            {KEYCHAIN_HELP.map(([name, href], i) => (
              <span key={href}>
                {i > 0 && ' · '}
                <a href={href} target="_blank" rel="noreferrer">{name}</a>
              </span>
            ))}
          </p>
        )}
        {(addressError || error) && (
          <p className="error" role="alert">
            {addressError ? t('error.bad-address') : errorText(error!.code, error!.message, error!)}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t('connecting') : t('connect')}</button>
          {local.available && (
            <button type="button" className="secondary" disabled={busy} onClick={() => void connection.getState().connectLocal()}>
              {t('useLocal')}
            </button>
          )}
          {onCancel && (
            <button type="button" className="secondary" onClick={onCancel}>{t('cancel')}</button>
          )}
        </div>
        {recent.length > 0 && (
          <section className="recent">
            <h2>{t('recent')}</h2>
            <ul>
              {recent.map((r) => (
                <li key={`${r.user}@${r.host}:${r.port}`}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setAddress(`${r.host}:${r.port}`);
                      setUser(r.user);
                      if (r.savedPassword) void connection.getState().connectRecent(r);
                    }}
                  >
                    {r.user}@{r.host}:{r.port}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        <TrustedServers />
      </form>
    </main>
  );
}
