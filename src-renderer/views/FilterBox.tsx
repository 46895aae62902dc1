import { useEffect, useState } from 'react';
import { t } from '../i18n.js';

/** A search field that asks the server once the person pauses typing. */
export function FilterBox({ value, onChange, label = t('filterList'), testId }: { value: string; onChange: (q: string) => void; label?: string; testId?: string }) {
  const [text, setText] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => {
      if (text !== value) onChange(text);
    }, 200);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return <input type="search" className="search" placeholder={label} aria-label={label} value={text} data-testid={testId} onChange={(e) => setText(e.target.value)} />;
}
