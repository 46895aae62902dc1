/**
 * Decoding on every core. A `pcm` or `opus` stream of a compressed file (MP3, FLAC, Vorbis, Opus, or one ffmpeg
 * decodes) is decoded in one of a few threads, while the process's one event loop keeps every connection: moving
 * bytes costs the loop little, and a decoder costs a core. A WAV needs no decoding worth a thread (a 16-bit one's
 * stream sends views of the shared file blocks) and opens here. Threads start when the first stream needs one; each
 * new stream goes to the thread that holds the fewest. A thread that stops fails the streams it held, with an error
 * their clients see, and the next stream starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { decoderFor, openPcmSource, readHead } from '../../src-codecs/registry.js';
import { DecodeError, type PcmSource, type SourceFormat } from '../../src-codecs/pcm-source.js';
import type { Logger } from '../log.js';
import { DECODE_THREAD_ROLE, type DecodeAnswer, type DecodeFailure, type DecodeRequest } from './decode-messages.js';

type Request = DecodeRequest extends infer R ? (R extends DecodeRequest ? Omit<R, 'call'> : never) : never;
type Answered = Extract<DecodeAnswer, { ok: true }>;

function errorOf(f: DecodeFailure): Error {
  return f.code ? new DecodeError(f.code, f.message, f.final) : new Error(f.message);
}

class DecodingThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(a: Answered): void; reject(e: Error): void }>();
  private nextCall = 1;
  /** Why the thread is gone; null while it runs. */
  private stopped: Error | null = null;
  sources = 0;

  constructor(entry: URL, private readonly onGone: (thread: DecodingThread, why: Error) => void) {
    this.worker = new Worker(entry, { workerData: { role: DECODE_THREAD_ROLE } });
    // An idle thread must not keep the process alive; one that owes an answer does (see call()).
    this.worker.unref();
    this.worker.on('message', (a: DecodeAnswer) => {
      const waiting = this.pending.get(a.call);
      if (!waiting) return;
      this.pending.delete(a.call);
      if (this.pending.size === 0) this.worker.unref();
      if (a.ok) waiting.resolve(a);
      else waiting.reject(errorOf(a.failure));
    });
    this.worker.on('error', (err) => this.gone(err));
    this.worker.on('exit', (code) => this.gone(new Error(`it exited with code ${code}`)));
  }

  get running(): boolean {
    return this.stopped === null;
  }

  call(req: Request): Promise<Answered> {
    if (this.stopped) return Promise.reject(this.stopped);
    const call = this.nextCall++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(call, { resolve, reject });
      this.worker.postMessage({ ...req, call });
    });
  }

  private gone(why: Error): void {
    if (this.stopped) return;
    this.stopped = new DecodeError('decode-failed', `the decoding thread stopped: ${why.message}`);
    for (const waiting of this.pending.values()) waiting.reject(this.stopped);
    this.pending.clear();
    this.onGone(this, why);
  }

  async terminate(): Promise<void> {
    this.stopped ??= new DecodeError('decode-failed', 'the server is stopping');
    await this.worker.terminate();
  }
}

/** A source whose decoder runs in a decoding thread: the same calls, answered over the thread's port. */
class ThreadedPcmSource implements PcmSource {
  private closed = false;

  constructor(
    readonly format: SourceFormat,
    private readonly thread: DecodingThread,
    private readonly id: number,
  ) {}

  async seek(frame: number): Promise<void> {
    await this.thread.call({ op: 'seek', source: this.id, frame });
  }

  async read(out: Uint8Array, offset: number, maxFrames: number): Promise<number> {
    const { pcm, frames } = await this.thread.call({ op: 'read', source: this.id, maxFrames });
    const bytes = frames! * this.format.channels * 2;
    out.set(pcm!.subarray(0, bytes), offset);
    return frames!;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.thread.sources--;
    // A stopped thread took the decoder with it: nothing is left to close.
    if (this.thread.running) await this.thread.call({ op: 'close', source: this.id });
  }
}

export interface PcmOpener {
  /** Opens a track for a `pcm` (or Opus) stream, as openPcmSource does, wherever its decoding is to run. */
  open(path: string): Promise<PcmSource>;
  close(): Promise<void>;
}

/** Decoding in the serving thread itself (`--decode-threads 0`, and servers the tests build in-process). */
export const decodeInProcess: PcmOpener = { open: openPcmSource, close: async () => {} };

export class DecodePool implements PcmOpener {
  private readonly threads: DecodingThread[] = [];

  /** `entry`: the file a thread loads, which must hold decode-thread.ts (the server's bundle, or that module). */
  constructor(
    private readonly entry: URL,
    private readonly size: number,
    private readonly log: Logger,
  ) {
    if (!(size >= 1)) throw new RangeError('a decode pool needs at least one thread');
  }

  get threadCount(): number {
    return this.threads.length;
  }

  async open(path: string): Promise<PcmSource> {
    if (decoderFor(await readHead(path))?.codec === 'pcm') return openPcmSource(path);
    const thread = this.pick();
    // Counted from now, so that streams set up at the same moment spread over the threads.
    thread.sources++;
    try {
      const { source, format } = await thread.call({ op: 'open', path });
      return new ThreadedPcmSource(format!, thread, source!);
    } catch (err) {
      thread.sources--;
      throw err;
    }
  }

  /** The thread with the fewest streams, or a new one while every thread has some and there is room. */
  private pick(): DecodingThread {
    let best: DecodingThread | undefined;
    for (const t of this.threads) if (!best || t.sources < best.sources) best = t;
    if (best && (best.sources === 0 || this.threads.length >= this.size)) return best;
    const thread = new DecodingThread(this.entry, (gone, why) => {
      this.threads.splice(this.threads.indexOf(gone), 1);
      this.log.error('decode-thread-stopped', { error: why.message, streams: gone.sources });
    });
    this.threads.push(thread);
    this.log.info('decode-thread-started', { threads: this.threads.length });
    return thread;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((t) => t.terminate()));
  }
}
