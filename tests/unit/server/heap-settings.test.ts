import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { keepHeapSmall } from '../../../src-server/server/heap-settings.js';
import { workerExecArgv } from '../../../src-server/server/serve.js';

test('cluster workers get a small young generation and an old generation collected at a fifth of growth, unless node was told otherwise', () => {
  assert.deepEqual(workerExecArgv([]), ['--max-semi-space-size=1', '--heap-growing-percent=20']);
  assert.deepEqual(workerExecArgv(['--cpu-prof']), ['--cpu-prof', '--max-semi-space-size=1', '--heap-growing-percent=20']);
  assert.deepEqual(workerExecArgv(['--max-semi-space-size=8', '--heap-growing-percent=50']), ['--max-semi-space-size=8', '--heap-growing-percent=50']);
  assert.deepEqual(workerExecArgv(['--optimize-for-size']), ['--optimize-for-size', '--max-semi-space-size=1'], 'a memory mode chosen by hand is left alone');
});

test('every process of the server keeps its young generation at its first size through a burst of allocation', () => {
  const burst = `const keep = []; for (let i = 0; i < 3e6; i++) { const o = { i, s: 'x' + i }; if (i % 1000 === 0) keep.push(o); }
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size);`;
  const newSpace = (keep: boolean) => {
    const script = `import v8 from 'node:v8'; import './src-server/server/heap-settings.ts';
      ${keep ? '' : "v8.setFlagsFromString('--semi-space-growth-factor=2');"} ${burst}`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return Number(r.stdout.trim());
  };
  const grown = newSpace(false);
  const kept = newSpace(true);
  assert.ok(kept <= 4 * 1024 * 1024, `new space ${kept} bytes after the burst`);
  assert.ok(grown > kept, `V8 alone grows it (${grown} bytes), or this test shows nothing`);
});

test('every process collects its old generation at a fifth of growth and keeps its young generation, unless node was told otherwise', () => {
  const setBy = (execArgv: string[]) => {
    const set: string[] = [];
    keepHeapSmall(execArgv, (flags) => void set.push(flags));
    return set;
  };
  assert.deepEqual(setBy([]), ['--semi-space-growth-factor=1', '--heap-growing-percent=20']);
  assert.deepEqual(setBy(['--max-semi-space-size=8']), ['--heap-growing-percent=20']);
  assert.deepEqual(setBy(['--heap-growing-percent=50']), ['--semi-space-growth-factor=1']);
  assert.deepEqual(setBy(['--optimize-for-size', '--semi-space-growth-factor=2']), []);
});
