import { useStore } from 'zustand';
import { t, type MessageKey } from '../i18n.js';
import { useApp } from '../components/app-context.js';
import { LIST_VIEWS } from '../stores/view-store.js';

/** The library's views, one button each; a page (album, artist, genre) shows Back and its name. */
export function ViewNav() {
  const { views } = useApp();
  const view = useStore(views, (s) => s.view);
  const canGoBack = useStore(views, (s) => s.back.length > 0);
  return (
    <nav className="view-nav" aria-label={t('views')}>
      {'id' in view && canGoBack && (
        <button type="button" className="view-back" data-testid="view-back" onClick={() => views.getState().goBack()}>‹ {t('back')}</button>
      )}
      {LIST_VIEWS.map((kind) => (
        <button
          key={kind}
          type="button"
          className={`view-tab${view.kind === kind ? ' on' : ''}`}
          aria-current={view.kind === kind ? 'page' : undefined}
          data-testid={`view-${kind}`}
          onClick={() => views.getState().open({ kind })}
        >
          {t(`view.${kind}` as MessageKey)}
        </button>
      ))}
    </nav>
  );
}
