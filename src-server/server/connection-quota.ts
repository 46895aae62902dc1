/**
 * The server-wide connection limit (--max-connections). In one process it is a count; in a cluster each worker asks
 * the primary, which counts every worker's connections, so the limit holds for the whole server however round
 * robin spreads the connections (a worker's fixed share would refuse clients while others had room).
 */
import type { MessageEndpoint } from './library-relay.js';

export interface ConnectionQuota {
  /** True when one more connection fits; it then counts until `release`. */
  tryAdmit(): boolean | Promise<boolean>;
  release(): void;
}

export function localQuota(limit: number): ConnectionQuota {
  let open = 0;
  return {
    tryAdmit: () => (open < limit ? (open++, true) : false),
    release: () => {
      open = Math.max(0, open - 1);
    },
  };
}

interface QuotaMessage {
  kind: 'quota-admit' | 'quota-answer' | 'quota-release';
  id?: number;
  ok?: boolean;
}

const isQuota = (m: unknown): m is QuotaMessage => typeof m === 'object' && m !== null && String((m as QuotaMessage).kind).startsWith('quota-');

/** Primary side: one count for all workers; what a worker held is given back when it dies. */
export class ClusterQuota {
  private open = 0;

  constructor(private readonly limit: number) {}

  serve(worker: MessageEndpoint & { on(event: 'exit', listener: () => void): unknown }): void {
    let held = 0;
    worker.on('message', (m) => {
      if (!isQuota(m)) return;
      if (m.kind === 'quota-admit') {
        const ok = this.open < this.limit;
        if (ok) {
          this.open++;
          held++;
        }
        worker.send({ kind: 'quota-answer', id: m.id, ok } satisfies QuotaMessage);
      } else if (m.kind === 'quota-release' && held > 0) {
        held--;
        this.open--;
      }
    });
    worker.on('exit', () => {
      this.open -= held;
      held = 0;
    });
  }
}

/** Worker side: asks the primary. */
export function primaryQuota(primary: MessageEndpoint = process as unknown as MessageEndpoint): ConnectionQuota {
  let nextId = 1;
  const waiting = new Map<number, (ok: boolean) => void>();
  primary.on('message', (m) => {
    if (!isQuota(m) || m.kind !== 'quota-answer') return;
    waiting.get(m.id!)?.(m.ok === true);
    waiting.delete(m.id!);
  });
  return {
    tryAdmit: () => new Promise<boolean>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      primary.send({ kind: 'quota-admit', id } satisfies QuotaMessage);
    }),
    release: () => void primary.send({ kind: 'quota-release' } satisfies QuotaMessage),
  };
}
