// Writes assets/demo-library: short pieces synthesised here, so the project ships music it owns outright.
// Run: npm run demo-library. Deterministic: the same bytes every time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32 } from '../src-shared/protocol/crc32.js';

interface Piece {
  file: string;
  title: string;
  artist: string;
  album: string;
  track: number;
  sampleRate: number;
  channels: 1 | 2;
  seconds: number;
  bpm: number;
  /** Scale degrees of the melody, one per beat; null is a rest. */
  melody: (number | null)[];
  chords: number[][];
  root: number; // MIDI note of degree 0
  wave: 'sine' | 'triangle' | 'square';
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const midiToHz = (m: number) => 440 * 2 ** ((m - 69) / 12);
const degreeToMidi = (root: number, d: number) => root + 12 * Math.floor(d / 7) + MAJOR[((d % 7) + 7) % 7]!;

function osc(wave: Piece['wave'], phase: number): number {
  const x = phase - Math.floor(phase);
  if (wave === 'sine') return Math.sin(2 * Math.PI * x);
  if (wave === 'triangle') return 4 * Math.abs(x - 0.5) - 1;
  return x < 0.5 ? 0.6 : -0.6;
}

function render(p: Piece): Int16Array {
  const n = Math.round(p.seconds * p.sampleRate);
  const out = new Int16Array(n * p.channels);
  const beat = 60 / p.bpm;
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let i = 0; i < n; i++) {
    const t = i / p.sampleRate;
    const b = Math.floor(t / beat);
    const inBeat = t - b * beat;
    let left = 0;
    let right = 0;
    const deg = p.melody[b % p.melody.length];
    if (deg !== null && deg !== undefined) {
      const f = midiToHz(degreeToMidi(p.root + 12, deg));
      const env = Math.min(1, inBeat / 0.01) * Math.exp(-inBeat * 3);
      const v = 0.28 * env * osc(p.wave, f * t);
      left += v * 0.8;
      right += v * 1.0;
    }
    const chord = p.chords[Math.floor(b / 4) % p.chords.length]!;
    const bar = t - Math.floor(b / 4) * 4 * beat;
    const padEnv = Math.min(1, bar / 0.2) * 0.9;
    for (const d of chord) {
      const v = (0.07 * padEnv * Math.sin(2 * Math.PI * midiToHz(degreeToMidi(p.root, d)) * t));
      left += v;
      right += v * 0.85;
    }
    if (inBeat < 0.05 && b % 2 === 1) {
      const hat = 0.08 * noise() * (1 - inBeat / 0.05);
      left += hat * 0.7;
      right += hat;
    }
    const fade = Math.min(1, t / 0.05, (p.seconds - t) / 0.5);
    const l = Math.round(Math.max(-1, Math.min(1, left * fade)) * 32767);
    const r = Math.round(Math.max(-1, Math.min(1, right * fade)) * 32767);
    if (p.channels === 1) out[i] = Math.round((l + r) / 2);
    else {
      out[2 * i] = l;
      out[2 * i + 1] = r;
    }
  }
  return out;
}

function infoChunk(tags: Record<string, string>): Buffer {
  const parts = Object.entries(tags).map(([id, text]) => {
    const body = Buffer.from(text + '\0', 'utf8');
    const padded = Buffer.concat([body, Buffer.alloc(body.length & 1)]);
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, padded]);
  });
  const list = Buffer.concat([Buffer.from('INFO', 'latin1'), ...parts]);
  const head = Buffer.alloc(8);
  head.write('LIST', 0, 'latin1');
  head.writeUInt32LE(list.length, 4);
  return Buffer.concat([head, list]);
}

function wav(p: Piece, pcm: Int16Array): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(p.channels, 10);
  fmt.writeUInt32LE(p.sampleRate, 12);
  fmt.writeUInt32LE(p.sampleRate * p.channels * 2, 16);
  fmt.writeUInt16LE(p.channels * 2, 20);
  fmt.writeUInt16LE(16, 22);
  const info = infoChunk({ INAM: p.title, IART: p.artist, IPRD: p.album, IPRT: String(p.track), ICRD: '2026', IGNR: 'Electronic' });
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0, 'latin1');
  dataHead.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, info, dataHead, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

const ALBUM = 'Loopback Suite';
const ARTIST = 'The ATP Ensemble';
const pieces: Piece[] = [
  { file: '01 Handshake.wav', title: 'Handshake', artist: ARTIST, album: ALBUM, track: 1, sampleRate: 44100, channels: 2, seconds: 8, bpm: 112,
    melody: [0, 2, 4, 7, 4, 2, 0, null, 5, 4, 2, 4, 0, null, 0, null], chords: [[0, 2, 4], [3, 5, 7], [4, 6, 8], [0, 2, 4]], root: 57, wave: 'triangle' },
  { file: '02 Credit Window.wav', title: 'Credit Window', artist: ARTIST, album: ALBUM, track: 2, sampleRate: 48000, channels: 2, seconds: 8, bpm: 96,
    melody: [4, null, 4, 5, 7, 5, 4, 2, 0, 2, 4, null, 2, 1, 2, null], chords: [[5, 7, 9], [3, 5, 7], [0, 2, 4], [4, 6, 8]], root: 55, wave: 'sine' },
  { file: '03 Teardown.wav', title: 'Teardown', artist: ARTIST, album: ALBUM, track: 3, sampleRate: 22050, channels: 1, seconds: 10, bpm: 80,
    melody: [7, 6, 4, 2, 4, null, 2, 0, -1, 0, 2, null, 0, null, null, null], chords: [[0, 2, 4], [5, 7, 9], [3, 5, 7], [4, 6, 8]], root: 52, wave: 'square' },
];

/** The album's cover: concentric waves in the project's blue, as a plain RGB PNG. */
function cover(size: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const dx = x - size * 0.3;
      const dy = y - size * 0.7;
      const r = Math.sqrt(dx * dx + dy * dy) / size;
      const wave = 0.5 + 0.5 * Math.cos(r * 38);
      const fade = Math.max(0, 1 - r * 0.9);
      row[1 + x * 3] = Math.round(30 + 60 * wave * fade);
      row[2 + x * 3] = Math.round(70 + 90 * wave * fade + 40 * (y / size));
      row[3 + x * 3] = Math.round(140 + 110 * fade);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dir = join('assets', 'demo-library');
mkdirSync(dir, { recursive: true });
for (const p of pieces) {
  const bytes = wav(p, render(p));
  writeFileSync(join(dir, p.file), bytes);
  console.log(`${p.file}: ${bytes.length} bytes`);
}
writeFileSync(join(dir, 'cover.png'), cover(300));
writeFileSync(
  join(dir, 'LICENSE.txt'),
  'The pieces in this folder and its cover.png were made by scripts/make-demo-library.ts of ATP Player.\n' +
    'They are dedicated to the public domain under CC0 1.0: https://creativecommons.org/publicdomain/zero/1.0/\n',
);
