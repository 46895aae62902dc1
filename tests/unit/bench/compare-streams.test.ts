// The comparison's moving parts against real servers: the forked load generator, nginx started and stopped by the
// bench, the seek probes, and nothing left running afterwards. A small load, a few seconds.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { makeBenchLibraries, WAV_DATA_OFFSET, WAV_NAME, type BenchLibraries } from '../../../bench/bench-library.js';
import { measureRun } from '../../../bench/compare-streams.js';
import { CD_BYTES_PER_SECOND } from '../../../bench/load-generator.js';
import { findNginx, startNginx } from '../../../bench/nginx.js';
import { probeAtpSeeks, probeHttpSeeks } from '../../../bench/seek-probe.js';
import { AtpWire } from '../../../bench/atp-wire.js';
import { SERVER_BIN, startServer } from '../../helpers/server-process.js';

const LISTENERS = 4;
const nginxBinary = findNginx();

describe('streams comparison on real servers', () => {
  let libs: BenchLibraries;
  before(() => (libs = makeBenchLibraries(20, { mixed: false })));
  after(() => libs.remove());

  test('nginx: every listener plays, seeks are timed, and nginx is gone afterwards', { skip: nginxBinary ? false : 'nginx is not installed (apt-get install nginx)' }, async () => {
    const nginx = await startNginx(nginxBinary!, libs.wavDir, 64);
    const path = `/${WAV_NAME}`;
    let run;
    try {
      run = await measureRun({
        label: 'nginx',
        listeners: LISTENERS,
        seconds: 2,
        rampMs: 200,
        pid: nginx.pid,
        target: { kind: 'http', port: nginx.port, path },
        probe: () => probeHttpSeeks(nginx.port, path, WAV_DATA_OFFSET, CD_BYTES_PER_SECOND, 5),
      });
    } finally {
      await nginx.stop();
    }
    assert.equal(run.started, LISTENERS, run.firstError ?? '');
    assert.equal(run.neverStarted, 0);
    assert.equal(run.arrivalMs.length, LISTENERS);
    assert.equal(run.seekMs.length, 5);
    assert.equal(run.generatorCores.length, 1);
    assert.ok(run.windowSeconds > 0.5 && run.windowSeconds < 1.5, `${run.windowSeconds}`);
    assert.ok(run.peakRssKiB > 1024 && run.loadedRssKiB >= run.idleRssKiB);
    assert.equal(existsSync(`/proc/${nginx.pid}`), false, 'nginx stopped');
  });

  test('atp-server: every listener plays in pcm and the server CPU is counted', { skip: existsSync(SERVER_BIN) ? false : 'build the server first' }, async () => {
    const server = await startServer({ library: libs.wavDir, args: ['--log-level', 'warn'] });
    let run;
    try {
      const wire = await AtpWire.connect(server.port, {});
      const track = ((await wire.login('bench')).library as { tracks: { id: string }[] }).tracks[0]!.id;
      wire.close();
      run = await measureRun({
        label: 'atp pcm',
        listeners: LISTENERS,
        seconds: 2,
        rampMs: 200,
        pid: server.proc.pid!,
        target: { kind: 'atp', port: server.port, encoding: 'pcm', tracks: [{ id: track, bytesPerSecond: CD_BYTES_PER_SECOND }] },
        probe: () => probeAtpSeeks(server.port, track, 'pcm', 5),
      });
    } finally {
      await server.stop();
    }
    assert.equal(run.started, LISTENERS, run.firstError ?? '');
    assert.equal(run.seekMs.length, 5);
    assert.ok(run.seekMs.every((ms) => ms > 0 && ms < 5000));
    assert.ok(run.serverCpuSeconds >= 0 && run.idleRssKiB > 1024);
  });
});
