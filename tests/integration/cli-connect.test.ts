// What `atp` says when it cannot reach a server, or reaches one that wants a login it was not given.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CLI_BIN, startServer, type RunningServer } from '../helpers/server-process.js';

interface CliRun {
  code: number;
  stderr: string;
}

function runCli(args: string[], extra: Record<string, string>): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['ATP_HOST', 'ATP_PORT', 'ATP_USER', 'ATP_PASSWORD', 'ATP_TOKEN', 'INIT_CWD']) delete env[name];
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI_BIN, ...args], { env: { ...env, ...extra } }, (err, _stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
    ),
  );
}

/** A loopback port with nothing listening on it: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

describe('atp with no server to talk to', () => {
  test('a refused connection says no server is listening at that address, and how to point elsewhere', async () => {
    const port = await closedPort();
    const r = await runCli(['list'], { ATP_PORT: String(port) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`no ATP server is listening at 127\\.0\\.0\\.1:${port} \\(connection refused\\): is atp-server running there\\?`));
    assert.match(r.stderr, /--host ADDR --port N, or ATP_HOST and ATP_PORT/);
  });

  test('--port wins over ATP_PORT, and the message names the address actually tried', async () => {
    const port = await closedPort();
    const r = await runCli(['--port', String(port), 'ping'], { ATP_PORT: '1' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port} `));
  });

  test('a port out of range is a usage error', async () => {
    const r = await runCli(['--port', '70000', 'ping'], {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port is a number from 1 to 65535/);
  });
});

describe('atp on a server that needs a login', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ users: { erin: 'erin-password' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('no credentials at all: says a login is needed and how to give one', async () => {
    const r = await runCli(['list'], { ATP_PORT: String(server.port) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`the server at 127\\.0\\.0\\.1:${server.port} needs a login`));
    assert.match(r.stderr, /--user NAME or ATP_USER/);
    assert.match(r.stderr, /ATP_PASSWORD/);
    assert.match(r.stderr, /ATP_TOKEN/);
    assert.doesNotMatch(r.stderr, /wrong user name/);
  });

  test('a user name without a password: says the password is missing', async () => {
    const r = await runCli(['--user', 'erin', 'list'], { ATP_PORT: String(server.port) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /needs the password of erin: put it in ATP_PASSWORD/);
  });

  test('a wrong password is still called wrong', async () => {
    const r = await runCli(['list'], { ATP_PORT: String(server.port), ATP_USER: 'erin', ATP_PASSWORD: 'not-it' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /wrong user name, password or token \(bad-credentials\)/);
  });

  test('the right login lists the library', async () => {
    const r = await runCli(['list'], { ATP_PORT: String(server.port), ATP_USER: 'erin', ATP_PASSWORD: 'erin-password' });
    assert.equal(r.code, 0, r.stderr);
  });
});
