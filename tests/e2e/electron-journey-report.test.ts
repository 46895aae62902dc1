/**
 * Where no Electron binary exists the journey must still appear in the runner's totals, as a skipped test with its
 * reason; a suite skipped as a whole is printed but counted nowhere, so a run would look as if it had nothing to do.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('the Electron journey without a binary is counted as skipped, with its reason', () => {
  // An empty folder as the Electron dist: the binary is missing whatever this machine has installed.
  const noElectron = mkdtempSync(join(tmpdir(), 'atp-no-electron-'));
  // Without NODE_TEST_CONTEXT the child reports in its own words instead of to this runner.
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: noElectron };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', 'tests/e2e/electron-journey.test.ts'], {
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /# no Electron binary on this machine/);
  assert.match(r.stdout, /skipped [1-9]/);
  assert.match(r.stdout, /fail 0/);
});
