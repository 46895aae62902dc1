import { readFileSync, writeFileSync } from 'node:fs';

/** The PCM bytes of a WAV file's data chunk, found by walking the RIFF chunks (independent of the server's reader). */
export function wavData(path: string): { data: Buffer; sampleRate: number; channels: number; bits: number } {
  const buf = readFileSync(path);
  let pos = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('latin1', pos, pos + 4);
    const len = buf.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(pos + 10);
      sampleRate = buf.readUInt32LE(pos + 12);
      bits = buf.readUInt16LE(pos + 22);
    }
    if (id === 'data') return { data: buf.subarray(pos + 8, pos + 8 + len), sampleRate, channels, bits };
    pos += 8 + len + (len & 1);
  }
  throw new Error(`no data chunk in ${path}`);
}

/** Writes a WAV file of the given encoding from per-sample values produced by `sample(frame, channel)` in [-1, 1). */
export function writeWav(
  path: string,
  opts: { sampleRate: number; channels: number; bits: 8 | 16 | 24 | 32; float?: boolean; frames: number },
  sample: (frame: number, channel: number) => number,
): void {
  const bytes = opts.bits / 8;
  const data = Buffer.alloc(opts.frames * opts.channels * bytes);
  let o = 0;
  for (let i = 0; i < opts.frames; i++) {
    for (let c = 0; c < opts.channels; c++, o += bytes) {
      const x = sample(i, c);
      if (opts.float) data.writeFloatLE(x, o);
      else if (opts.bits === 8) data[o] = Math.round(x * 127) + 128;
      else if (opts.bits === 16) data.writeInt16LE(Math.round(x * 32767), o);
      else if (opts.bits === 24) data.writeIntLE(Math.round(x * 8388607), o, 3);
      else data.writeInt32LE(Math.round(x * 2147483647), o);
    }
  }
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(opts.float ? 3 : 1, 8);
  fmt.writeUInt16LE(opts.channels, 10);
  fmt.writeUInt32LE(opts.sampleRate, 12);
  fmt.writeUInt32LE(opts.sampleRate * opts.channels * bytes, 16);
  fmt.writeUInt16LE(opts.channels * bytes, 20);
  fmt.writeUInt16LE(opts.bits, 22);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + fmt.length + 8 + data.length, 4);
  head.write('WAVE', 8, 'latin1');
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0, 'latin1');
  dataHead.writeUInt32LE(data.length, 4);
  writeFileSync(path, Buffer.concat([head, fmt, dataHead, data]));
}
