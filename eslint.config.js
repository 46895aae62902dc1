// Lint is here for one rule above all: which src-* folder may import which (VS Code's common/node/browser idea).
// A wrong import fails `npm test`.
import tseslint from 'typescript-eslint';

const noNode = { group: ['node:*', 'fs', 'path', 'net', 'os', 'crypto', 'child_process', 'events'], message: 'runs in the browser too: no Node modules' };
const noElectron = { group: ['electron', 'electron/*'], message: 'Electron belongs to src-main only' };
const noReact = { group: ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'], message: 'React belongs to src-renderer only' };
const folder = (name, message) => ({ group: [`**/${name}`, `**/${name}/**`], message });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {},
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noNode, noElectron, noReact,
          folder('src-server', 'src-shared imports only src-shared'),
          folder('src-codecs', 'src-shared imports only src-shared'),
          folder('src-main', 'src-shared imports only src-shared'),
          folder('src-renderer', 'src-shared imports only src-shared')],
      }],
    },
  },
  {
    files: ['src-codecs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noElectron, noReact,
          folder('src-server', 'the codecs serve the server and the clients alike: they import src-shared only'),
          folder('src-main', 'the codecs serve the server and the clients alike: they import src-shared only'),
          folder('src-renderer', 'the codecs serve the server and the clients alike: they import src-shared only')],
      }],
    },
  },
  {
    files: ['src-server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noElectron, noReact,
          folder('src-main', 'the server is plain Node and imports src-shared and src-codecs only'),
          folder('src-renderer', 'the server is plain Node and imports src-shared and src-codecs only')],
      }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noReact,
          folder('src-server', 'main starts the built server as a process; it never imports it'),
          folder('src-renderer', 'main talks to the renderer over IPC only')],
      }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noReact, noElectron,
          folder('src-server', 'main starts the built server as a process; it never imports it'),
          folder('src-renderer', 'main talks to the renderer over IPC only')],
      }],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noNode, noElectron,
          folder('src-server', 'the renderer is a sandboxed page: src-shared and browser APIs only'),
          folder('src-codecs', 'the renderer is a sandboxed page: src-shared and browser APIs only'),
          folder('src-main', 'the renderer reaches main through the preload API only')],
      }],
    },
  },
);
