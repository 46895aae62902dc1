import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import {
  cpuSeconds,
  descendants,
  parseStatCpuTicks,
  parseStatParent,
  parseStatusKiB,
  processTree,
  treeMemory,
} from '../../../bench/proc-stats.js';

// A real line from /proc/<pid>/stat, with a command name that holds a space and a ')' as nginx's may.
const STAT = '4242 (nginx: worker) p)) S 4241 4241 4241 0 -1 4194624 700 0 0 0 1234 567 8 9 20 0 1 0 99 12345678 2500 18446744073709551615';

describe('/proc parsing', () => {
  test('utime + stime are fields 14 and 15, counted after the last ")"', () => {
    assert.equal(parseStatCpuTicks(STAT), 1234 + 567);
    assert.equal(parseStatParent(STAT), 4241);
  });

  test('a line that is not a stat line is an error, not a zero', () => {
    assert.throws(() => parseStatCpuTicks('garbage'), /not a \/proc\/<pid>\/stat line/);
  });

  test('VmRSS and VmHWM in KiB; a zombie without them is null', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nThreads:\t7\n';
    assert.equal(parseStatusKiB(status, 'VmRSS'), 10240);
    assert.equal(parseStatusKiB(status, 'VmHWM'), 20480);
    assert.equal(parseStatusKiB('Name:\tzombie\nState:\tZ (zombie)\n', 'VmRSS'), null);
  });

  test('descendants: children and grandchildren, not siblings or the parent', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 12],
      [20, 1],
    ]);
    assert.deepEqual(descendants(10, parents).sort(), [10, 11, 12, 13]);
    assert.deepEqual(descendants(99, parents), [99]);
  });
});

describe('/proc reading', () => {
  test('the tree of this process includes a child it started, with its CPU and memory', async () => {
    const child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 300); setTimeout(() => {}, 5000)']);
    try {
      await once(child, 'spawn');
      await new Promise((r) => setTimeout(r, 400));
      const tree = processTree(process.pid);
      assert.ok(tree.includes(child.pid!), `${child.pid} in ${tree}`);
      assert.ok(cpuSeconds([child.pid!]) >= 0.1, 'the child spun for 300 ms');
      const mine = treeMemory([process.pid]);
      const both = treeMemory(tree);
      assert.ok(mine.rssKiB > 1024 && mine.peakKiB >= mine.rssKiB);
      assert.ok(both.rssKiB > mine.rssKiB);
    } finally {
      child.kill();
    }
  });
});
