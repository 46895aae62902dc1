// The import rule between the src-* folders is enforced by eslint.config.js; these cases prove it bites.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: [string, string, boolean][] = [
  ['src-shared/protocol/x.ts', "import { readFile } from 'node:fs';", false],
  ['src-shared/protocol/x.ts', "import { AtpServer } from '../../src-server/server/atp-server.js';", false],
  ['src-shared/protocol/x.ts', "import { app } from 'electron';", false],
  ['src-shared/protocol/x.ts', "import { crc32 } from './crc32.js';", true],
  ['src-server/server/x.ts', "import { AtpClient } from '../../src-main/atp-client/client.js';", false],
  ['src-server/server/x.ts', "import { readFile } from 'node:fs';", true],
  ['src-server/server/x.ts', "import { build } from '../../src-shared/protocol/index.js';", true],
  ['src-main/atp-client/x.ts', "import { AtpServer } from '../../src-server/server/atp-server.js';", false],
  ['src-main/atp-client/x.ts', "import { openPcmSource } from '../../src-codecs/registry.js';", true],
  ['src-server/server/x.ts', "import { openPcmSource } from '../../src-codecs/registry.js';", true],
  ['src-codecs/x.ts', "import { open } from 'node:fs/promises';", true],
  ['src-codecs/x.ts', "import { build } from '../src-shared/protocol/index.js';", true],
  ['src-codecs/x.ts', "import { Library } from '../src-server/library/library.js';", false],
  ['src-codecs/x.ts', "import { AtpClient } from '../src-main/atp-client/client.js';", false],
  ['src-codecs/x.ts', "import { app } from 'electron';", false],
  ['src-shared/protocol/x.ts', "import { openPcmSource } from '../../src-codecs/registry.js';", false],
  ['src-renderer/x.tsx', "import { openPcmSource } from '../src-codecs/registry.js';", false],
  ['src-main/atp-client/x.ts', "import { app } from 'electron';", false],
  ['src-main/electron/x.ts', "import { app } from 'electron';", true],
  ['src-main/electron/x.ts', "import { App } from '../../src-renderer/App.js';", false],
  ['src-renderer/x.tsx', "import { connect } from 'node:net';", false],
  ['src-renderer/x.tsx', "import { ipcRenderer } from 'electron';", false],
  ['src-renderer/x.tsx', "import { AtpClient } from '../src-main/atp-client/client.js';", false],
  ['src-renderer/x.tsx', "import { build } from '../src-shared/protocol/index.js';", true],
];

for (const [file, code, allowed] of cases) {
  test(`${file}: ${code} is ${allowed ? 'allowed' : 'refused'}`, async () => {
    const found = await violations(file, code + '\nexport {};\n');
    assert.equal(found.length === 0, allowed, found.join('; '));
  });
}
