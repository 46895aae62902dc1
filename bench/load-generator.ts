// The load generator: listeners that play at real-time rate, against atp-server (LOGIN, SETUP, PLAY, CREDIT as
// they play) or against nginx (a GET whose body is read only as fast as it plays: TCP's flow control paces it).
// It runs as a forked process (bench/compare-streams.ts starts one or two) and reports its listeners as JSON.
import { connect as netConnect } from 'node:net';
import { AtpWire } from './atp-wire.js';
import { PlayoutBuffer } from './playout-buffer.js';
import type { ListenerResult } from './stream-stats.js';

export const CD_BYTES_PER_SECOND = 44100 * 4;
/** A listener holds up to this much audio: the ATP window, and the amount an HTTP reader buffers before pausing. */
export const BUFFER_SECONDS = 2;
/** Listeners play in steps of 100 ms of audio. */
const TICK_MS = 100;
/** The server's low-water mark of credit (docs/PROTOCOL.md 8.3): 256 KiB or half the window, whichever is less. */
const LOW_WATER_BYTES = 262144;

export type GeneratorTarget =
  | { kind: 'atp'; port: number; encoding: string; tracks: { id: string; bytesPerSecond: number }[] }
  | { kind: 'http'; port: number; path: string };

export interface GeneratorJob {
  target: GeneratorTarget;
  /** This process's listeners, by their index among all (the ramp interleaves the processes). */
  indexes: number[];
  total: number;
  /** Date.now() values: the first arrival, the span over which all arrive, and the end. */
  startAt: number;
  rampMs: number;
  stopAt: number;
}

export interface GeneratorReport {
  results: ListenerResult[];
}

/** One timer for every listener of the process: a thousand intervals would cost more than the listening. */
class PlayoutClock {
  private readonly players = new Set<(now: number) => void>();
  private readonly timer = setInterval(() => {
    const now = performance.now();
    for (const tick of this.players) tick(now);
  }, TICK_MS);

  add(tick: (now: number) => void): () => void {
    this.players.add(tick);
    return () => this.players.delete(tick);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Resolves at the job's end, with what the listener saw; the end closes its connection. */
function untilStop(stopAt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, stopAt - Date.now())));
}

async function atpListener(target: Extract<GeneratorTarget, { kind: 'atp' }>, index: number, job: GeneratorJob, clock: PlayoutClock): Promise<ListenerResult> {
  const track = target.tracks[index % target.tracks.length]!;
  let buffer: PlayoutBuffer | null = null;
  let playSentAt = 0;
  let wire: AtpWire | null = null;
  const stop = untilStop(job.stopAt).then(() => wire?.close());
  try {
    wire = await AtpWire.connect(target.port, {
      data: (payload) => buffer?.receive(payload.length - 12, performance.now() - playSentAt), // 12: DATA's epoch and first frame
      end: () => buffer && (buffer.ended = true),
    }, Math.max(1, job.stopAt - Date.now()));
    if (Date.now() >= job.stopAt) wire.close();
    await wire.login('bench');
    const pcm = target.encoding === 'pcm';
    const window = Math.round(BUFFER_SECONDS * (pcm ? CD_BYTES_PER_SECOND : track.bytesPerSecond));
    const { did, reply } = await wire.setup({ track: track.id, window, ...(pcm ? {} : { encoding: target.encoding }) });
    const format = reply.format as { sampleRate: number; bytesPerFrame: number };
    buffer = pcm ? new PlayoutBuffer(format.sampleRate * format.bytesPerFrame, format.bytesPerFrame) : new PlayoutBuffer(track.bytesPerSecond);
    // A coded stream never splits a unit: the window must hold the largest, or the stream can stall (PROTOCOL.md 8.10).
    const maxUnit = (reply.codec as { maxUnitBytes?: number } | undefined)?.maxUnitBytes ?? 0;
    playSentAt = performance.now();
    const playWindow = Math.max(window, 2 * maxUnit);
    await wire.play(did, 0, playWindow);
    let last = performance.now();
    const open = wire;
    const playing = buffer;
    // Credit goes back once the low-water mark's worth has been played, as docs/PROTOCOL.md (8.3) says a client
    // should: the server would send nothing for less, and each CREDIT costs both sides a read and a wake-up.
    const mark = Math.max(1, Math.min(LOW_WATER_BYTES, Math.floor(playWindow / 2)));
    let owed = 0;
    const remove = clock.add((now) => {
      owed += playing.play(now - last);
      last = now;
      if (owed >= mark || (owed > 0 && playing.buffered === 0)) {
        open.credit(did, owed);
        owed = 0;
      }
    });
    await stop;
    remove();
    return buffer.result();
  } catch (err) {
    wire?.close();
    // Counted, not thrown: one listener the server turned away must not hide what the others measured.
    const why = Date.now() >= job.stopAt - 10 ? 'still connecting or in LOGIN, SETUP or PLAY at the end' : (err as Error).message;
    return (buffer ?? new PlayoutBuffer(1)).result(buffer?.started ? undefined : why);
  }
}

function httpListener(target: Extract<GeneratorTarget, { kind: 'http' }>, job: GeneratorJob, clock: PlayoutClock): Promise<ListenerResult> {
  return new Promise((resolve) => {
    const buffer = new PlayoutBuffer(CD_BYTES_PER_SECOND, 4);
    const window = BUFFER_SECONDS * CD_BYTES_PER_SECOND;
    const socket = netConnect({ host: '127.0.0.1', port: target.port });
    let head = '';
    let inBody = false;
    let error: string | undefined;
    const sentAt = performance.now();
    let last = sentAt;
    socket.write(`GET ${target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    socket.on('data', (chunk: Buffer) => {
      let body = chunk;
      if (!inBody) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!head.startsWith('HTTP/1.1 200')) error = head.slice(0, head.indexOf('\r\n'));
        inBody = true;
        body = chunk.subarray(chunk.length - (head.length - end - 4));
      }
      buffer.receive(body.length, performance.now() - sentAt);
      if (buffer.buffered >= window) socket.pause();
    });
    socket.on('end', () => (buffer.ended = true));
    socket.on('error', (err) => (error ??= err.message));
    const remove = clock.add((now) => {
      buffer.play(now - last);
      last = now;
      if (socket.isPaused() && buffer.buffered < window) socket.resume();
    });
    void untilStop(job.stopAt).then(() => {
      remove();
      socket.destroy();
      resolve(buffer.result(buffer.started ? undefined : error));
    });
  });
}

export async function runJob(job: GeneratorJob): Promise<GeneratorReport> {
  const clock = new PlayoutClock();
  const all: Promise<ListenerResult>[] = [];
  for (const index of job.indexes) {
    const due = job.startAt + (index * job.rampMs) / job.total - Date.now();
    if (due > 1) await new Promise((r) => setTimeout(r, due));
    const { target } = job;
    all.push(target.kind === 'atp' ? atpListener(target, index, job, clock) : httpListener(target, job, clock));
  }
  const results = await Promise.all(all);
  clock.stop();
  return { results };
}

// Forked by compare-streams.ts: one job in, one report out, then exit. A parent that dies takes this with it.
if (process.send && process.argv.includes('--load-generator')) {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (job: GeneratorJob) => {
    void runJob(job).then((report) => process.send!(report, () => process.exit(0)));
  });
  process.send({ ready: true });
}
