/**
 * A decoding thread: opens tracks with the same decoders as the server's own process and answers seeks and reads
 * with s16le PCM, so that decoding MP3, FLAC, Vorbis and Opus for `pcm` streams runs on every core while one event
 * loop keeps the connections. Each source's calls run in the order they came, as a stream makes them.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openPcmSource } from '../../src-codecs/registry.js';
import { DecodeError, type PcmSource } from '../../src-codecs/pcm-source.js';
import { DECODE_THREAD_ROLE, type DecodeAnswer, type DecodeFailure, type DecodeRequest } from './decode-messages.js';

export function isDecodeThread(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === DECODE_THREAD_ROLE;
}

function failureOf(err: unknown): DecodeFailure {
  if (err instanceof DecodeError) return { code: err.code, message: err.message, final: err.final };
  return { code: null, message: (err as Error)?.message ?? String(err), final: false };
}

/** A successful call's fields, and the buffers that move with them instead of being copied. */
interface Reply {
  answer: Partial<DecodeAnswer>;
  move?: ArrayBuffer[];
}

class DecodeThread {
  private readonly sources = new Map<number, { source: PcmSource; queue: Promise<void> }>();
  private nextSource = 1;

  constructor(private readonly port: MessagePort) {
    port.on('message', (req: DecodeRequest) => this.take(req));
  }

  private take(req: DecodeRequest): void {
    if (req.op === 'open') {
      void this.answer(req.call, () => this.open(req.path));
      return;
    }
    const held = this.sources.get(req.source);
    if (!held) {
      this.port.postMessage({ call: req.call, ok: false, failure: { code: null, message: 'the stream is closed', final: true } });
      return;
    }
    const run = (): Promise<void> => {
      switch (req.op) {
        case 'seek':
          return this.answer(req.call, async () => {
            await held.source.seek(req.frame);
            return { answer: {} };
          });
        case 'read':
          return this.answer(req.call, () => this.read(held.source, req.maxFrames));
        case 'close':
          this.sources.delete(req.source);
          return this.answer(req.call, async () => {
            await held.source.close();
            return { answer: {} };
          });
      }
    };
    held.queue = held.queue.then(run);
  }

  private async open(path: string): Promise<Reply> {
    const source = await openPcmSource(path);
    const id = this.nextSource++;
    this.sources.set(id, { source, queue: Promise.resolve() });
    return { answer: { source: id, format: source.format } };
  }

  /** The PCM goes to the serving thread as a moved buffer: no copy on the way. */
  private async read(source: PcmSource, maxFrames: number): Promise<Reply> {
    const pcm = new Uint8Array(maxFrames * source.format.channels * 2);
    const frames = await source.read(pcm, 0, maxFrames);
    return { answer: { pcm, frames }, move: [pcm.buffer] };
  }

  private async answer(call: number, work: () => Promise<Reply>): Promise<void> {
    try {
      const { answer, move = [] } = await work();
      this.port.postMessage({ ...answer, call, ok: true }, move);
    } catch (err) {
      this.port.postMessage({ call, ok: false, failure: failureOf(err) });
    }
  }
}

// Whichever file a decoding thread loads (this module, or the server's single-file bundle that holds it), the
// thread starts answering here; cli.ts does not start a server in such a thread.
if (isDecodeThread()) new DecodeThread(parentPort!);
