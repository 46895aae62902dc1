// Makes the headless server's npm package, atp-server-VERSION.tgz, for a NAS or a VPS: no Electron, no clone, no
// dependencies. `node scripts/package-server.mjs [--out DIR]` (default release/) after `node scripts/build.mjs server`;
// `npm run pack:server` does both. Prints the tarball's path on stdout.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'release' } } });
const outDir = resolve(values.out);
const bundle = resolve('dist/server/atp-server.mjs');
if (!existsSync(bundle)) {
  process.stderr.write(`package-server: ${bundle} is missing: run \`node scripts/build.mjs server\` first\n`);
  process.exit(1);
}

const template = resolve('packaging/atp-server');
const stage = mkdtempSync(join(tmpdir(), 'atp-server-package-'));
try {
  // One version for the app and the server: the root package.json's.
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const manifest = JSON.parse(readFileSync(join(template, 'package.json'), 'utf8'));
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: manifest.name, version, ...manifest }, null, 2) + '\n');
  for (const file of ['README.md', 'LICENSE']) copyFileSync(join(template, file), join(stage, file));
  copyFileSync(resolve('packaging/atp-server.service'), join(stage, 'atp-server.service'));

  // npm links bin entries as they are, so the file must say how to run itself.
  let code = readFileSync(bundle, 'utf8');
  if (!code.startsWith('#!')) code = `#!/usr/bin/env node\n${code}`;
  writeFileSync(join(stage, 'atp-server.mjs'), code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  chmodSync(join(stage, 'atp-server.mjs'), 0o755);

  mkdirSync(outDir, { recursive: true });
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' }));
  process.stdout.write(join(outDir, packed[0].filename) + '\n');
} finally {
  rmSync(stage, { recursive: true, force: true });
}
