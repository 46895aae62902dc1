import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatMs, percentile, summarizeListeners, type ListenerResult } from '../../../bench/stream-stats.js';

describe('percentile', () => {
  test('nearest rank over the sorted samples', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    assert.equal(percentile(xs, 50), 6);
    assert.equal(percentile(xs, 99), 10);
    assert.equal(percentile(xs, 0), 1);
  });

  test('no samples is null, printed as n/a, never NaN', () => {
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([NaN, NaN], 50), null);
    assert.equal(formatMs(percentile([], 99)), 'n/a');
    assert.equal(formatMs(1.234), '1.23 ms');
  });
});

describe('summarizeListeners', () => {
  const playing = (firstDataMs: number, underruns: number): ListenerResult => ({ firstDataMs, started: true, underruns });

  test('a listener that never received DATA is a failure, not a clean run', () => {
    const s = summarizeListeners([playing(2, 0), playing(4, 3), { firstDataMs: null, started: false, underruns: 0 }]);
    assert.equal(s.listeners, 3);
    assert.equal(s.neverStarted, 1);
    assert.equal(s.withoutUnderrun, 1);
    assert.equal(s.underrunTicks, 3);
    assert.equal(s.firstDataP50, 4);
    assert.equal(s.firstDataP99, 4);
  });

  test('a listener that got DATA but too little to start counts as never started', () => {
    const s = summarizeListeners([{ firstDataMs: 7, started: false, underruns: 0 }]);
    assert.equal(s.neverStarted, 1);
    assert.equal(s.withoutUnderrun, 0);
    assert.equal(s.firstDataP50, 7);
  });

  test('when none started the percentiles are absent and the first error is kept', () => {
    const s = summarizeListeners([
      { firstDataMs: null, started: false, underruns: 0, error: 'connect ECONNREFUSED 127.0.0.1:1' },
      { firstDataMs: null, started: false, underruns: 0, error: 'other' },
    ]);
    assert.equal(s.neverStarted, 2);
    assert.equal(s.withoutUnderrun, 0);
    assert.equal(s.firstDataP50, null);
    assert.equal(s.firstError, 'connect ECONNREFUSED 127.0.0.1:1');
  });
});
