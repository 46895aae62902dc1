import { errorText, t } from '../i18n.js';

/** A load that failed, said in words, with Retry. */
export function ErrorLine({ code, message, retry }: { code: string; message: string; retry: () => void }) {
  return (
    <div className="list-error" role="alert" data-testid="list-error">
      <span>{t('listError', { reason: errorText(code, message) })}</span>
      <button type="button" onClick={retry}>{t('retry')}</button>
    </div>
  );
}
