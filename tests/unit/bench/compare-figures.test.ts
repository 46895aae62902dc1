import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cpuPerListenerMinute,
  formatRatio,
  formatTable,
  marginalRssKiB,
  ratio,
  tableRow,
  TABLE_HEADINGS,
  type TargetRun,
} from '../../../bench/compare-figures.js';
import { skippedRun } from '../../../bench/compare-streams.js';

describe('per-listener arithmetic', () => {
  test('CPU seconds per listener-minute divides by listeners and by minutes measured', () => {
    // 12 CPU-s over 30 s for 200 listeners: 200 × 0.5 min = 100 listener-minutes.
    assert.equal(cpuPerListenerMinute(12, 200, 30), 0.12);
    assert.equal(cpuPerListenerMinute(1, 1, 60), 1);
  });

  test('no listener or no window is no figure, never Infinity or NaN', () => {
    assert.equal(cpuPerListenerMinute(5, 0, 30), null);
    assert.equal(cpuPerListenerMinute(5, 10, 0), null);
  });

  test('ratio needs both figures and a positive reference', () => {
    assert.equal(ratio(0.064, 0.0027)?.toFixed(1), '23.7');
    assert.equal(ratio(null, 1), null);
    assert.equal(ratio(1, null), null);
    assert.equal(ratio(1, 0), null);
    assert.equal(formatRatio(23.7), '24×');
    assert.equal(formatRatio(2.345), '2.3×');
    assert.equal(formatRatio(null), 'n/a');
  });

  test('marginal RSS is what the load added, per listener', () => {
    // 100 MiB idle, 216 MiB with 1,024 listeners: 116 KiB each.
    assert.equal(marginalRssKiB(216 * 1024, 100 * 1024, 1024), 116);
    assert.equal(marginalRssKiB(10, 20, 2), -5, 'a heap that shrank under load shows as negative, not hidden');
    assert.equal(marginalRssKiB(10, 5, 0), null);
  });
});

describe('the table', () => {
  const run = (over: Partial<TargetRun>): TargetRun => ({
    ...skippedRun('x', 500, ''),
    skipped: undefined,
    started: 500,
    windowSeconds: 60,
    idleRssKiB: 10 * 1024,
    loadedRssKiB: 20 * 1024,
    peakRssKiB: 21 * 1024,
    arrivalMs: [1, 2, 3],
    seekMs: [0.5, 1.5, 40],
    generatorCores: [0.25, 0.3],
    ...over,
  });

  test('a row shows the figures and the ratio to the same load on nginx', () => {
    const nginx = run({ label: 'nginx', serverCpuSeconds: 1 });
    const atp = run({ label: 'atp pcm', serverCpuSeconds: 24, neverStarted: 0, withUnderrun: 2, underrunTicks: 7 });
    const row = tableRow(atp, nginx);
    assert.equal(row.length, TABLE_HEADINGS.length);
    assert.deepEqual(row, ['500', 'atp pcm', '0.0480', '24×', '21 MiB', '20.5 KiB', '0', '2 (7)', '1.50 / 40', '2.00 / 3.00', '25% + 30%']);
    assert.equal(tableRow(nginx, nginx)[3], '1');
  });

  test('without an nginx run the ratio is n/a, and a skipped run says why', () => {
    assert.equal(tableRow(run({ serverCpuSeconds: 3 }), undefined)[3], 'n/a');
    assert.equal(tableRow(run({ serverCpuSeconds: 3 }), skippedRun('nginx', 500, 'not installed'))[3], 'n/a');
    assert.deepEqual(tableRow(skippedRun('atp original', 2000, 'no such encoding'), undefined), ['2,000', 'atp original', 'skipped: no such encoding']);
  });

  test('columns line up; a short row runs on in its last cell', () => {
    const text = formatTable([
      ['a', 'bb', 'c'],
      ['aaa', 'b', 'cc'],
      ['a', 'a long reason'],
    ]);
    assert.equal(text, 'a    bb  c\naaa  b   cc\na    a long reason');
  });
});
