import { useStore } from 'zustand';
import { t } from '../i18n.js';
import { useApp } from './app-context.js';

/**
 * The servers trusted by their certificate's fingerprint, each with "Forget": the one deliberate way to re-trust a
 * server whose certificate changed (the next connection asks again, showing the new fingerprint).
 */
export function TrustedServers() {
  const { connection } = useApp();
  const pinned = useStore(connection, (s) => s.pinned);
  if (pinned.length === 0) return null;
  return (
    <section className="recent trusted-servers" data-testid="trusted-servers">
      <h2>{t('trustedServers')}</h2>
      <ul>
        {pinned.map((p) => (
          <li key={p.address}>
            <span className="truncate" title={p.fingerprint}>{p.address}</span>{' '}
            <button
              type="button"
              className="link"
              aria-label={t('forgetIdentity', { address: p.address })}
              title={t('forgetIdentity', { address: p.address })}
              onClick={() => void connection.getState().forgetIdentity(p)}
            >
              {t('forget')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
