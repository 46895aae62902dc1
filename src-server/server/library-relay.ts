/**
 * The library across processes. In a cluster the primary keeps the one catalog (scans, index, search) and cluster
 * workers, which hold the connections and streams, ask it over IPC: a worker's memory does not grow with the
 * library, and a rescan happens once. Messages are the cluster's IPC with 'advanced' serialisation (structured
 * clone), so artwork bytes cross as they are.
 */
import type { BrowseReply, BrowseRequest, ListReply, ListRequest, ScanStatus } from '../../src-shared/protocol/index.js';
import type { Artwork, Library, TrackRecord } from '../library/library.js';
import type { TrackPlays } from '../storage/listening.js';

type Method = 'list' | 'browse' | 'get' | 'artwork' | 'scanStatus';

interface LibraryCall {
  kind: 'library-call';
  id: number;
  method: Method;
  arg: unknown;
}

interface LibraryAnswer {
  kind: 'library-answer';
  id: number;
  value?: unknown;
  error?: string;
}

/** What the primary's worker handle offers: cluster's Worker, or anything with its send and message event. */
export interface MessageEndpoint {
  send(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

function isCall(m: unknown): m is LibraryCall {
  return typeof m === 'object' && m !== null && (m as LibraryCall).kind === 'library-call';
}

/** Primary side: answers a worker's library calls from `library`. */
export function answerLibraryCalls(worker: MessageEndpoint, library: Library): void {
  worker.on('message', (message) => {
    if (!isCall(message)) return;
    const { id, method, arg } = message;
    const call = async (): Promise<unknown> => {
      switch (method) {
        case 'list': {
          const [req, plays] = arg as [ListRequest, readonly TrackPlays[] | undefined];
          return library.list(req, plays);
        }
        case 'browse':
          return library.browse(arg as BrowseRequest);
        case 'get':
          return library.get(arg as string);
        case 'artwork':
          return library.artwork(arg as string);
        case 'scanStatus':
          return library.scanStatus();
      }
    };
    call().then(
      (value) => worker.send({ kind: 'library-answer', id, value } satisfies LibraryAnswer),
      (err: Error) => worker.send({ kind: 'library-answer', id, error: err.message } satisfies LibraryAnswer),
    );
  });
}

/** Worker side: the Library the worker's server uses, every call a question to the primary. */
export class LibraryClient implements Library {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(
    readonly root: string,
    private readonly primary: MessageEndpoint = process as unknown as MessageEndpoint,
  ) {
    primary.on('message', (message) => {
      const answer = message as LibraryAnswer;
      if (answer?.kind !== 'library-answer') return;
      const waiter = this.waiting.get(answer.id);
      if (!waiter) return;
      this.waiting.delete(answer.id);
      if (answer.error !== undefined) waiter.reject(new Error(answer.error));
      else waiter.resolve(answer.value);
    });
  }

  list(req: ListRequest, plays?: readonly TrackPlays[]): Promise<ListReply> {
    return this.call('list', [req, plays]) as Promise<ListReply>;
  }

  browse(req: BrowseRequest): Promise<BrowseReply> {
    return this.call('browse', req) as Promise<BrowseReply>;
  }

  async get(id: string): Promise<TrackRecord | undefined> {
    return ((await this.call('get', id)) as TrackRecord | null | undefined) ?? undefined;
  }

  artwork(id: string): Promise<Artwork | null> {
    return this.call('artwork', id) as Promise<Artwork | null>;
  }

  scanStatus(): Promise<ScanStatus> {
    return this.call('scanStatus', null) as Promise<ScanStatus>;
  }

  async close(): Promise<void> {
    for (const waiter of this.waiting.values()) waiter.reject(new Error('the server is shutting down'));
    this.waiting.clear();
  }

  private call(method: Method, arg: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.primary.send({ kind: 'library-call', id, method, arg } satisfies LibraryCall);
    });
  }
}
