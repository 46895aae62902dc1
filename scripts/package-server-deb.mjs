// Makes the headless server's Debian package, atp-server_VERSION_all.deb, with dpkg-deb:
// `node scripts/package-server-deb.mjs [--out DIR]` (default release/) after `node scripts/build.mjs server`;
// `npm run pack:server-deb` does both. Prints the package's path on stdout. It needs Node.js 20 or newer from the
// system's `nodejs` package (Debian 13, or NodeSource on Debian 12, whose own nodejs is 18).
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'release' } } });
const outDir = resolve(values.out);
const bundle = resolve('dist/server/atp-server.mjs');
if (!existsSync(bundle)) {
  process.stderr.write(`package-server-deb: ${bundle} is missing: run \`node scripts/build.mjs server\` first\n`);
  process.exit(1);
}

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const root = mkdtempSync(join(tmpdir(), 'atp-server-deb-'));
chmodSync(root, 0o755); // the package's ./ entry: mkdtemp's 0700 would be recorded as the mode of /
const put = (path, content, mode = 0o644) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
  chmodSync(join(root, path), mode);
};
try {
  let code = readFileSync(bundle, 'utf8');
  if (!code.startsWith('#!')) code = `#!/usr/bin/env node\n${code}`;
  put('usr/lib/atp-server/atp-server.mjs', code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'), 0o755);
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  symlinkSync('../lib/atp-server/atp-server.mjs', join(root, 'usr/bin/atp-server'));
  put('lib/systemd/system/atp-server.service', readFileSync('packaging/atp-server.service', 'utf8').replace('/usr/local/bin/atp-server', '/usr/bin/atp-server'));
  put('usr/share/doc/atp-server/README.md', readFileSync('packaging/atp-server/README.md'));
  put('usr/share/doc/atp-server/copyright', readFileSync('packaging/atp-server/LICENSE'));
  const size = Math.ceil(Buffer.byteLength(code) / 1024) + 8;
  put('DEBIAN/control', [
    'Package: atp-server',
    `Version: ${version}`,
    'Architecture: all',
    'Maintainer: ATP Player developers',
    'Depends: nodejs (>= 20), adduser',
    'Suggests: ffmpeg',
    'Section: sound',
    'Priority: optional',
    `Installed-Size: ${size}`,
    'Description: music streaming server for ATP Player',
    ' atp-server streams a music folder to ATP Player clients over ATP, a small',
    ' binary protocol on TCP. The unit atp-server.service runs it as the user atp.',
    '',
  ].join('\n'));
  // The service's user; the unit is installed but not enabled, since the music folder is the admin's to name.
  put('DEBIAN/postinst', [
    '#!/bin/sh',
    'set -e',
    'if [ "$1" = configure ] && ! getent passwd atp >/dev/null; then',
    '  adduser --system --group --home /var/lib/atp-server --no-create-home atp >/dev/null',
    'fi',
    '# The state directory exists before the first start, for `sudo -u atp atp-server user add`.',
    'install -d -o atp -g atp -m 0700 /var/lib/atp-server',
    'if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null || true; fi',
    '',
  ].join('\n'), 0o755);
  mkdirSync(outDir, { recursive: true });
  const deb = join(outDir, `atp-server_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.stdout.write(deb + '\n');
} finally {
  rmSync(root, { recursive: true, force: true });
}
