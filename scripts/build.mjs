// Builds what the project runs: `node scripts/build.mjs [server|client|main|renderer ...]` (all when none named).
// The server and the command line are bundled into single files so the desktop app can ship them as resources.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { embedSqliteWasm } from './embed-sqlite-wasm.mjs';
import { embedOpusWasm } from './embed-opus-wasm.mjs';

const targets = process.argv.slice(2);
const want = (name) => targets.length === 0 || targets.includes(name);
// Bundled ESM still meets CommonJS dependencies that call require(); give them one.
const requireShim = "import { createRequire as __atpCreateRequire } from 'node:module'; const require = __atpCreateRequire(import.meta.url);";

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', legalComments: 'none' };

const jobs = [];
if (want('server')) {
  jobs.push(build({ ...node, format: 'esm', entryPoints: ['src-server/cli.ts'], outfile: 'dist/server/atp-server.mjs', banner: { js: requireShim }, plugins: [embedSqliteWasm, embedOpusWasm] }));
}
if (want('client')) {
  jobs.push(build({ ...node, format: 'esm', entryPoints: ['src-main/cli/atp.ts'], outfile: 'dist/cli/atp.mjs', banner: { js: requireShim } }));
}
if (want('main') && existsSync('src-main/electron/main.ts')) {
  jobs.push(build({ ...node, format: 'cjs', entryPoints: ['src-main/electron/main.ts'], outfile: 'dist/main/main.cjs', external: ['electron'] }));
  jobs.push(build({ ...node, format: 'cjs', entryPoints: ['src-main/electron/preload.ts'], outfile: 'dist/main/preload.cjs', external: ['electron'] }));
}
await Promise.all(jobs);

if (want('renderer') && existsSync('src-renderer/index.html')) {
  const r = spawnSync('npx', ['vite', 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
