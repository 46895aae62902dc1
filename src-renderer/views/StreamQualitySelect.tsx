import { useEffect, useState } from 'react';
import { STREAM_QUALITIES, type StreamQuality } from '../../src-shared/ipc/contract.js';
import { t } from '../i18n.js';
import { useApp } from '../components/app-context.js';

/**
 * How streams travel: Auto, Lossless, High, Data saver. Kept by the main process in its settings; a change applies
 * to what plays at once.
 */
export function StreamQualitySelect() {
  const { api } = useApp();
  const [quality, setQuality] = useState<StreamQuality | null>(null);
  useEffect(() => {
    let live = true;
    void api.snapshot(null).then((s) => live && setQuality(s.streamQuality ?? 'auto')).catch(() => {});
    return () => {
      live = false;
    };
  }, [api]);
  const choose = (next: StreamQuality) => {
    const before = quality;
    setQuality(next);
    void api.setStreamQuality({ quality: next }).catch(() => setQuality(before));
  };
  return (
    <label className="stream-quality">
      {t('streamQuality')}{' '}
      <select data-testid="stream-quality" value={quality ?? 'auto'} disabled={quality === null} onChange={(e) => choose(e.target.value as StreamQuality)}>
        {STREAM_QUALITIES.map((q) => <option key={q} value={q}>{t(`quality.${q}`)}</option>)}
      </select>
    </label>
  );
}
