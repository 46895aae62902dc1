/**
 * User data across processes, as account-relay.ts does for logins: in a cluster the primary alone opens the
 * database, and a worker's USERDATA requests and play records are calls to it over the cluster's IPC. An error keeps
 * its protocol code on the way back, so a worker answers a stale revision with stale-revision, not `internal`.
 */
import { AtpError, isErrorCode } from '../../src-shared/protocol/index.js';
import type { MessageEndpoint } from '../server/library-relay.js';
import type { UserData } from './user-data.js';

type Method = keyof UserData;
const METHODS: readonly Method[] = ['favourites', 'playlists', 'history', 'usage', 'playedTracks', 'quota', 'accountAtLogin', 'recordPlay'];

interface UserDataCall {
  kind: 'userdata-call';
  id: number;
  method: Method;
  args: unknown[];
}

interface UserDataAnswer {
  kind: 'userdata-answer';
  id: number;
  value?: unknown;
  error?: { code: string | null; message: string };
}

/** Primary side: answers a worker's user-data calls from `store`. */
export function answerUserDataCalls(worker: MessageEndpoint, store: UserData): void {
  worker.on('message', (message) => {
    const call = message as UserDataCall;
    if (call?.kind !== 'userdata-call' || !METHODS.includes(call.method)) return;
    const run = (store[call.method] as (...a: unknown[]) => Promise<unknown>).apply(store, call.args);
    run.then(
      (value) => worker.send({ kind: 'userdata-answer', id: call.id, value } satisfies UserDataAnswer),
      (err: Error) =>
        worker.send({ kind: 'userdata-answer', id: call.id, error: { code: err instanceof AtpError ? err.code : null, message: err.message } } satisfies UserDataAnswer),
    );
  });
}

/** Worker side: every call goes to the primary. */
export class UserDataClient implements UserData {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(private readonly primary: MessageEndpoint = process as unknown as MessageEndpoint) {
    primary.on('message', (message) => {
      const answer = message as UserDataAnswer;
      if (answer?.kind !== 'userdata-answer') return;
      const waiter = this.waiting.get(answer.id);
      if (!waiter) return;
      this.waiting.delete(answer.id);
      if (answer.error === undefined) return waiter.resolve(answer.value);
      const { code, message: text } = answer.error;
      waiter.reject(code !== null && isErrorCode(code) ? new AtpError(code, text) : new Error(text));
    });
  }

  favourites = (...args: Parameters<UserData['favourites']>) => this.call('favourites', args) as ReturnType<UserData['favourites']>;
  playlists = (...args: Parameters<UserData['playlists']>) => this.call('playlists', args) as ReturnType<UserData['playlists']>;
  history = (...args: Parameters<UserData['history']>) => this.call('history', args) as ReturnType<UserData['history']>;
  usage = (...args: Parameters<UserData['usage']>) => this.call('usage', args) as ReturnType<UserData['usage']>;
  playedTracks = (...args: Parameters<UserData['playedTracks']>) => this.call('playedTracks', args) as ReturnType<UserData['playedTracks']>;
  quota = (...args: Parameters<UserData['quota']>) => this.call('quota', args) as ReturnType<UserData['quota']>;
  accountAtLogin = (...args: Parameters<UserData['accountAtLogin']>) => this.call('accountAtLogin', args) as ReturnType<UserData['accountAtLogin']>;
  recordPlay = (...args: Parameters<UserData['recordPlay']>) => this.call('recordPlay', args) as ReturnType<UserData['recordPlay']>;

  private call(method: Method, args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.primary.send({ kind: 'userdata-call', id, method, args } satisfies UserDataCall);
    });
  }
}
