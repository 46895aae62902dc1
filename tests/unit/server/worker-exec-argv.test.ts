import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerExecArgv } from '../../../src-server/server/serve.js';

test('cluster workers get a small young generation, unless node was given a size', () => {
  assert.deepEqual(workerExecArgv([]), ['--max-semi-space-size=1']);
  assert.deepEqual(workerExecArgv(['--cpu-prof']), ['--cpu-prof', '--max-semi-space-size=1']);
  assert.deepEqual(workerExecArgv(['--max-semi-space-size=8']), ['--max-semi-space-size=8']);
});
