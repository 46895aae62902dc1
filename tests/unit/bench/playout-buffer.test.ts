import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nginxConfig } from '../../../bench/nginx.js';
import { PlayoutBuffer } from '../../../bench/playout-buffer.js';
import { seekPositionsMs } from '../../../bench/seek-probe.js';

const CD = 176400;

describe('PlayoutBuffer', () => {
  test('playback waits for 200 ms of audio, and nothing is played before', () => {
    const b = new PlayoutBuffer(CD, 4);
    b.receive(CD * 0.1, 3);
    assert.equal(b.play(100), 0);
    assert.equal(b.started, false);
    b.receive(CD * 0.1, 50);
    assert.equal(b.firstDataMs, 3, 'the first arrival is what counts');
    assert.equal(b.play(100), CD * 0.1);
    assert.equal(b.started, true);
    assert.equal(b.underruns, 0);
  });

  test('the rate is exact over many ticks of odd length, in whole frames', () => {
    const b = new PlayoutBuffer(CD, 4);
    b.receive(CD * 10, 1);
    let played = 0;
    for (let i = 0; i < 333; i++) {
      const n = b.play(3);
      assert.equal(n % 4, 0);
      played += n;
    }
    assert.ok(Math.abs(played - CD * 0.999) <= 4, `${played}`);
  });

  test('a tick that finds too little is an underrun, but not after the stream ended', () => {
    const b = new PlayoutBuffer(CD, 4);
    b.receive(CD * 0.25, 1);
    assert.equal(b.play(200), CD * 0.2);
    assert.equal(b.play(100), CD * 0.05);
    assert.equal(b.underruns, 1);
    b.ended = true;
    assert.equal(b.play(100), 0);
    assert.equal(b.underruns, 1);
    assert.deepEqual(b.result(), { firstDataMs: 1, started: true, underruns: 1 });
  });

  test('a listener that got nothing reports why, and counts as never started', () => {
    assert.deepEqual(new PlayoutBuffer(CD).result('ECONNREFUSED'), { firstDataMs: null, started: false, underruns: 0, error: 'ECONNREFUSED' });
  });
});

describe('nginx config', () => {
  const conf = nginxConfig({ prefix: '/tmp/x', root: '/tmp/lib', port: 4321, connections: 2256, sendBufferKiB: 64 });

  test('one worker, sendfile, no access log, on loopback only, with a fixed send buffer', () => {
    for (const line of ['worker_processes 1;', 'sendfile on;', 'access_log off;', 'daemon off;', 'listen 127.0.0.1:4321 sndbuf=64k;', 'root /tmp/lib;', 'worker_connections 2256;']) {
      assert.ok(conf.includes(line), line);
    }
  });

  test('every file it writes is in the temp folder: nothing of /etc/nginx or /var', () => {
    const paths = [...conf.matchAll(/(?:pid|error_log|_temp_path) (\S+?);?\s/g)].map((m) => m[1]!);
    assert.equal(paths.length, 7);
    for (const p of paths) assert.ok(p.startsWith('/tmp/x/'), p);
    assert.ok(!/\/etc\/|\/var\//.test(conf));
  });
});

test('seek positions stay within the first 5 s and are not in order', () => {
  const xs = seekPositionsMs(100);
  assert.equal(xs.length, 100);
  assert.ok(xs.every((x) => x >= 0 && x < 5000));
  assert.ok(new Set(xs).size > 90);
  assert.notDeepEqual(xs, [...xs].sort((a, b) => a - b));
});
