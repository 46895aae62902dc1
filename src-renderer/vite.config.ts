// Builds the renderer into dist/renderer with relative URLs, so the same files load from the app's own protocol
// in Electron and from the test's static server. Paths are relative to the repository root, where
// scripts/build.mjs runs Vite (this file stays free of node: imports, like the rest of src-renderer).
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src-renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    // Small files must stay files: the CSP allows no data: URLs.
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
});
