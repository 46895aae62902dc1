/**
 * `atp-server user add` at a terminal: the password is typed without echo, so it is asked twice and refused when the
 * two differ. Driven through a real pseudo-terminal by util-linux `script`, so stdin is a TTY as a person's is.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { SERVER_BIN, startServer } from '../helpers/server-process.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs `user add` on a pseudo-terminal, typing each answer when its prompt appears; resolves to the exit code and output. */
function userAddAtTerminal(stateDir: string, name: string, answers: string[]): Promise<{ code: number | null; output: string }> {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER_BIN)} user add ${name} --state-dir ${JSON.stringify(stateDir)}`;
  const proc = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let prompted = 0;
  proc.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    // One answer per prompt seen, typed as a terminal sends Enter.
    const prompts = output.match(/password for \S+: |the same password again: /g)?.length ?? 0;
    while (prompted < prompts && prompted < answers.length) proc.stdin.write(answers[prompted++] + '\r');
  });
  const timer = setTimeout(() => proc.kill(), 15000);
  return new Promise((resolve) =>
    proc.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

async function canLogIn(stateDir: string, user: string, password: string): Promise<boolean> {
  const server = await startServer({ stateDir, users: {} });
  try {
    const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    try {
      await client.login({ user, password });
      return true;
    } catch {
      return false;
    } finally {
      client.close();
    }
  } finally {
    await server.stop();
  }
}

describe('atp-server user add at a terminal', { skip: !hasScript && 'util-linux `script` is not installed: no pseudo-terminal to type into' }, () => {
  test('asks for the password twice and saves it when both agree', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'atp-prompt-'));
    const r = await userAddAtTerminal(stateDir, 'nora', ['correct horse', 'correct horse']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /password for nora: /);
    assert.match(r.output, /the same password again: /);
    assert.doesNotMatch(r.output, /correct horse/, 'the password is not echoed');
    assert.match(r.output, /added nora/);
    assert.equal(await canLogIn(stateDir, 'nora', 'correct horse'), true);
  });

  test('refuses, exits non-zero and writes nothing when the two differ', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'atp-prompt-'));
    const r = await userAddAtTerminal(stateDir, 'nora', ['correct horse', 'correct hrose']);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /the two passwords differ; nothing was changed/);
    assert.doesNotMatch(r.output, /added nora/);
    assert.equal(existsSync(join(stateDir, 'users.json')), false);
  });

  test('a password changed at the terminal keeps the old one when the confirmation differs', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'atp-prompt-'));
    assert.equal((await userAddAtTerminal(stateDir, 'nora', ['first-password', 'first-password'])).code, 0);
    assert.equal((await userAddAtTerminal(stateDir, 'nora', ['second-password', 'sceond-password'])).code, 1);
    assert.equal(await canLogIn(stateDir, 'nora', 'first-password'), true);
  });
});

test('--password-stdin reads one line, with no confirmation', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'atp-prompt-'));
  const r = spawnSync(process.execPath, [SERVER_BIN, 'user', 'add', 'olga', '--password-stdin', '--state-dir', stateDir], {
    input: 'only-once\n',
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /added olga/);
  assert.doesNotMatch(r.stderr, /again/);
});
