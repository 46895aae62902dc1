import { useEffect, useState } from 'react';

export type Loaded<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; code: string; message: string };

/** Runs `load` when `key` changes; an answer to an older key is dropped. `retry` runs it again. */
export function useLoad<T>(key: string, load: () => Promise<T>): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => live && setResult({ state: 'done', value }),
      (err: { code?: string; message?: string }) => live && setResult({ state: 'failed', code: err.code ?? 'internal', message: err.message ?? String(err) }),
    );
    return () => {
      live = false;
    };
    // `load` is made anew each render; the key says what it loads.
  }, [key, attempt]);
  return [result, () => setAttempt((a) => a + 1)];
}
