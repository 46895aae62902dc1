/**
 * The start the stream tests share: a server on the test fixtures' audio files and one client logged in to it, its
 * tracks by path. A second server per describe block would only repeat the scan, so one serves all of its tests.
 */
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import type { TrackInfo } from '../../src-shared/protocol/index.js';
import { startServer, type RunningServer } from './server-process.js';

export const FIXTURE_LIBRARY = resolve('tests/fixtures/audio');

export interface FixtureSession {
  server: RunningServer;
  client: AtpClient;
  tracks: Map<string, TrackInfo>;
}

/**
 * Starts the session before the first test of the describe block it is called in and stops it after the last; the
 * fields are set once the tests run. The whole library fits in the LOGIN reply's first page.
 */
export function fixtureSession(): FixtureSession {
  const session = {} as FixtureSession;
  before(async () => {
    session.server = await startServer({ library: FIXTURE_LIBRARY });
    session.client = await AtpClient.connect({ host: '127.0.0.1', port: session.server.port });
    const login = await session.client.login({ user: 't', pageSize: 100 });
    session.tracks = new Map(login.library.tracks.map((t) => [t.path, t]));
  });
  after(async () => {
    session.client?.close();
    await session.server?.stop();
  });
  return session;
}
