/**
 * Accounts across processes. In a cluster the primary alone opens the database (one process owns the SQLite file;
 * with PostgreSQL, one pool per server); a worker checking a login asks it for the account's hash over the cluster's
 * IPC and runs scrypt itself, so the primary does no hashing for the workers.
 */
import type { MessageEndpoint } from '../server/library-relay.js';
import type { AccountDirectory, Credentials } from './accounts.js';

type Method = 'count' | 'credentials';

interface AccountCall {
  kind: 'account-call';
  id: number;
  method: Method;
  name?: string;
}

interface AccountAnswer {
  kind: 'account-answer';
  id: number;
  value?: number | Credentials | null;
  error?: string;
}

/** Primary side: answers a worker's account questions from `accounts`. */
export function answerAccountCalls(worker: MessageEndpoint, accounts: AccountDirectory): void {
  worker.on('message', (message) => {
    const call = message as AccountCall;
    if (call?.kind !== 'account-call') return;
    const answer = call.method === 'count' ? accounts.count() : accounts.credentials(String(call.name));
    answer.then(
      (value) => worker.send({ kind: 'account-answer', id: call.id, value } satisfies AccountAnswer),
      (err: Error) => worker.send({ kind: 'account-answer', id: call.id, error: err.message } satisfies AccountAnswer),
    );
  });
}

/** Worker side: every question goes to the primary. */
export class AccountClient implements AccountDirectory {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(private readonly primary: MessageEndpoint = process as unknown as MessageEndpoint) {
    primary.on('message', (message) => {
      const answer = message as AccountAnswer;
      if (answer?.kind !== 'account-answer') return;
      const waiter = this.waiting.get(answer.id);
      if (!waiter) return;
      this.waiting.delete(answer.id);
      if (answer.error !== undefined) waiter.reject(new Error(answer.error));
      else waiter.resolve(answer.value);
    });
  }

  async count(): Promise<number> {
    return (await this.call({ method: 'count' })) as number;
  }

  async credentials(name: string): Promise<Credentials | null> {
    return ((await this.call({ method: 'credentials', name })) as Credentials | null | undefined) ?? null;
  }

  private call(c: { method: Method; name?: string }): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.primary.send({ kind: 'account-call', id, ...c } satisfies AccountCall);
    });
  }
}
