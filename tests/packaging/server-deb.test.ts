// The headless server as a Debian package (scripts/package-server-deb.mjs): its control fields and files, and the
// server run from the unpacked package's /usr/bin. Installing it needs root and a nodejs >= 20 package, so the
// test unpacks it with dpkg-deb instead.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { DEMO_LIBRARY } from '../helpers/server-process.js';
import { wavData } from '../helpers/wav-file.js';
import { fetchPcm, listTracks, startServerCommand, type ServerCommand } from './server-command.js';

// Everything this file writes goes under one folder, removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'atp-packaging-'));
const scratchDir = (prefix: string) => mkdtempSync(join(scratch, prefix));
after(() => rmSync(scratch, { recursive: true, force: true }));

const run = promisify(execFile);
const ROOT_VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const hasDpkgDeb = spawnSync('dpkg-deb', ['--version']).status === 0;

describe('the atp-server Debian package', { skip: hasDpkgDeb ? false : 'dpkg-deb is not installed (Debian package dpkg)' }, () => {
  let deb: string;
  let root: string;
  let server: ServerCommand;
  before(async () => {
    deb = (await run(process.execPath, ['scripts/package-server-deb.mjs', '--out', scratchDir('atp-deb-')])).stdout.trim();
    root = scratchDir('atp-deb-root-');
    await run('dpkg-deb', ['-x', deb, root]);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test('says what it is, what it needs, and carries the server, the unit and the licence', async () => {
    const field = async (name: string) => (await run('dpkg-deb', ['--field', deb, name])).stdout.trim();
    assert.equal(await field('Package'), 'atp-server');
    assert.equal(await field('Version'), ROOT_VERSION);
    assert.equal(await field('Architecture'), 'all');
    assert.match(await field('Depends'), /nodejs \(>= 20\)/);
    const { stdout } = await run('dpkg-deb', ['--contents', deb]);
    for (const path of ['./usr/lib/atp-server/atp-server.mjs', './usr/bin/atp-server -> ../lib/atp-server/atp-server.mjs', './lib/systemd/system/atp-server.service', './usr/share/doc/atp-server/copyright']) {
      assert.ok(stdout.includes(path), `${path} in the package`);
    }
    assert.match(stdout, /^drwxr-xr-x root\/root +0 \S+ \S+ \.\/\n/, 'the root entry is 0755 root:root');
    assert.equal(readlinkSync(join(root, 'usr/bin/atp-server')), '../lib/atp-server/atp-server.mjs');
    assert.match(readFileSync(join(root, 'lib/systemd/system/atp-server.service'), 'utf8'), /^ExecStart=\/usr\/bin\/atp-server --library /m);
  });

  test('its postinst is a shell script that adds the user atp and the state directory', async () => {
    const postinst = (await run('dpkg-deb', ['--info', deb, 'postinst'])).stdout;
    assert.match(postinst, /adduser --system --group --home \/var\/lib\/atp-server .*atp/);
    assert.match(postinst, /install -d -o atp -g atp -m 0700 \/var\/lib\/atp-server/);
    const parsed = spawnSync('sh', ['-n'], { input: postinst, encoding: 'utf8' });
    assert.equal(parsed.status, 0, parsed.stderr);
  });

  test('the server in it starts from /usr/bin and streams a track byte-exact', async () => {
    server = await startServerCommand(join(root, 'usr/bin/atp-server'), ['--library', DEMO_LIBRARY, '--no-auth', '--state-dir', scratchDir('atp-deb-state-')]);
    assert.match(await listTracks(server.port), /3 of 3 tracks/);
    assert.ok((await fetchPcm(server.port, 'Credit Window')).equals(wavData(join(DEMO_LIBRARY, '02 Credit Window.wav')).data));
  });
});
