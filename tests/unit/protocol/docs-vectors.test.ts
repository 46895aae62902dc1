/**
 * docs/PROTOCOL.md and the golden vectors are the same bytes: every ```hex <name> block in the spec must equal the
 * vector of that name, and every vector must appear in the spec, so neither can drift from the other.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { hexBytes, toHex, vectors } from './vectors.js';

const spec = readFileSync(new URL('../../../docs/PROTOCOL.md', import.meta.url), 'utf8');

/** The fenced blocks tagged `hex <name>`, by name. */
function hexBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of markdown.matchAll(/^```hex[ \t]+([\w-]+)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    const [, name, body] = m;
    assert.ok(!blocks.has(name!), `two hex blocks named ${name}`);
    blocks.set(name!, body!);
  }
  return blocks;
}

/** The JSON block right before a hex block, if any: the payload as text. */
function jsonBefore(markdown: string, name: string): string | null {
  const m = new RegExp('```json\\n(.*)\\n```\\s*\\n```hex ' + name + '\\n').exec(markdown);
  return m ? m[1]! : null;
}

describe('docs/PROTOCOL.md examples are the golden vectors', () => {
  const blocks = hexBlocks(spec);

  test('the spec has one hex example per vector, and no other', () => {
    assert.ok(blocks.size >= 20, `found only ${blocks.size} hex blocks`);
    assert.deepEqual([...blocks.keys()].sort(), vectors.map((v) => v.name).sort());
  });

  for (const v of vectors) {
    test(`${v.name}: same bytes in the spec and in vectors.ts`, () => {
      const block = blocks.get(v.name);
      assert.ok(block !== undefined, `no \`\`\`hex ${v.name} block in docs/PROTOCOL.md`);
      assert.equal(toHex(hexBytes(block)), toHex(hexBytes(v.hex)));
    });
  }

  test('the JSON shown above an example is its payload', () => {
    let checked = 0;
    for (const v of vectors) {
      const text = jsonBefore(spec, v.name);
      if (text === null) continue;
      assert.equal(text, new TextDecoder().decode(v.frame.payload!), v.name);
      checked++;
    }
    assert.ok(checked >= 10, `only ${checked} JSON payloads shown`);
  });

  test('the drift check itself notices a changed byte', () => {
    const changed = spec.replace(/^(```hex ping\n61 01 03) 00/m, '$1 01');
    assert.notEqual(changed, spec);
    const ping = vectors.find((v) => v.name === 'ping')!;
    assert.notEqual(toHex(hexBytes(hexBlocks(changed).get('ping')!)), toHex(hexBytes(ping.hex)));
  });
});
