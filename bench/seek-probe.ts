// One more listener seeking while the load plays: the latency a person feels on a busy server. For atp: PLAY at a
// position → its first DATA; for nginx: a Range request on a kept-alive connection → the first byte of its body.
import { connect as netConnect, type Socket } from 'node:net';
import { AtpWire } from './atp-wire.js';

const SEEK_WINDOW = 64 * 1024;

/** Positions spread over the first 5 s, in an order that jumps back and forth. */
export function seekPositionsMs(count: number): number[] {
  return Array.from({ length: count }, (_, i) => ((i * 7919) % 1000) * 5);
}

export async function probeAtpSeeks(port: number, track: string, encoding: string, count: number): Promise<number[]> {
  let epoch = -1;
  let firstData: (() => void) | null = null;
  const wire = await AtpWire.connect(port, {
    data: (payload) => {
      const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      if (firstData && view.getUint32(0) === epoch) firstData();
    },
  });
  try {
    await wire.login('probe');
    const { did } = await wire.setup({ track, window: SEEK_WINDOW, ...(encoding === 'pcm' ? {} : { encoding }) });
    const times: number[] = [];
    for (const positionMs of seekPositionsMs(count)) {
      const t0 = performance.now();
      const arrived = new Promise<void>((r) => (firstData = r));
      await wire.play(did, positionMs, SEEK_WINDOW, (e) => (epoch = e));
      await arrived;
      times.push(performance.now() - t0);
      firstData = null;
      await wire.pause(did);
    }
    return times;
  } finally {
    wire.close();
  }
}

/** Reads one HTTP response of a known shape (a 206 with Content-Length) and resolves at its last byte. */
function rangeResponse(socket: Socket, t0: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let head = '';
    let firstByteMs: number | null = null;
    let remaining = -1;
    const onData = (chunk: Buffer) => {
      let body = chunk;
      if (remaining < 0) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head.slice(0, end));
        if (!head.startsWith('HTTP/1.1 206') || !length) {
          socket.off('data', onData);
          return reject(new Error(`Range request answered ${head.slice(0, head.indexOf('\r\n'))}`));
        }
        remaining = Number(length[1]);
        body = chunk.subarray(chunk.length - (head.length - end - 4));
      }
      if (body.length > 0 && firstByteMs === null) firstByteMs = performance.now() - t0;
      remaining -= body.length;
      if (remaining <= 0) {
        socket.off('data', onData);
        resolve(firstByteMs ?? performance.now() - t0);
      }
    };
    socket.on('data', onData);
  });
}

/** `bytesPerSecond` and `dataOffset` place a position in the WAV file as a byte range. */
export async function probeHttpSeeks(port: number, path: string, dataOffset: number, bytesPerSecond: number, count: number): Promise<number[]> {
  const socket = netConnect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  try {
    const times: number[] = [];
    for (const positionMs of seekPositionsMs(count)) {
      const from = dataOffset + Math.floor((positionMs / 1000) * (bytesPerSecond / 4)) * 4;
      const t0 = performance.now();
      const done = rangeResponse(socket, t0);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=${from}-${from + SEEK_WINDOW - 1}\r\n\r\n`);
      times.push(await done);
    }
    return times;
  } finally {
    socket.destroy();
  }
}
