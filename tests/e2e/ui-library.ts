/**
 * A generated library for the UI tests: 300 tiny WAV files (0.2 s) by 12 artists on 3 albums each, tagged with
 * RIFF INFO (title, artist, album, track number, genre) so the server lists them as a tagged library would be.
 * Some albums carry a folder cover; one title is very long, to show how the layout cuts it.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { writeWav } from '../helpers/wav-file.js';

export const ARTISTS = 12;
export const ALBUMS_PER_ARTIST = 3;
export const TRACKS = 300;
/** The album whose cover.png is not an image: it must show the placeholder tile, never a broken image. */
export const BROKEN_COVER_ALBUM = 'Album 02 of Artist 01';
export const LONG_TITLE = 'An Exceptionally Long Song Title That Keeps Going Well Past Any Column Width (Extended Live Version)';

const GENRES = ['Ambient', 'Jazz', 'Rock', 'Folk'];

/** A RIFF INFO list chunk: each sub-chunk a NUL-terminated string, padded to an even length. */
function infoChunk(tags: Record<string, string>): Buffer {
  const parts = Object.entries(tags).map(([id, value]) => {
    const text = Buffer.from(`${value}\0`, 'utf8');
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(text.length, 4);
    return Buffer.concat([head, text, Buffer.alloc(text.length & 1)]);
  });
  const body = Buffer.concat([Buffer.from('INFO', 'latin1'), ...parts]);
  const head = Buffer.alloc(8);
  head.write('LIST', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

function writeTaggedWav(path: string, tags: Record<string, string>, seed: number): void {
  writeWav(path, { sampleRate: 22050, channels: 1, bits: 16, frames: 4410 }, (i) => 0.2 * Math.sin((i * (seed % 7 + 2) * Math.PI) / 50));
  const wav = readFileSync(path);
  const out = Buffer.concat([wav, infoChunk(tags)]);
  out.writeUInt32LE(out.length - 8, 4);
  writeFileSync(path, out);
}

/** A solid-colour PNG of `size` pixels square. */
export function solidPng(size: number, rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.concat(Array.from({ length: size }, () => Buffer.from(rgb)))]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export interface GeneratedLibrary {
  root: string;
  albums: number;
  /** Albums with a folder cover. */
  coveredAlbums: number;
}

/**
 * Writes the library into a new temporary folder. `covers`: every album gets a cover.png (default: every other);
 * 12 artists × 3 albums unless told otherwise.
 */
export function makeUiLibrary(options: { covers?: 'all' | 'some'; artists?: number; albumsPerArtist?: number } = {}): GeneratedLibrary {
  const root = mkdtempSync(join(tmpdir(), 'atp-ui-library-'));
  const perArtist = options.albumsPerArtist ?? ALBUMS_PER_ARTIST;
  const albums = (options.artists ?? ARTISTS) * perArtist;
  let written = 0;
  let covered = 0;
  for (let a = 0; a < albums; a++) {
    const artist = `Artist ${String(Math.floor(a / perArtist) + 1).padStart(2, '0')}`;
    const album = `Album ${String(a + 1).padStart(2, '0')} of ${artist}`;
    const dir = join(root, artist, album);
    mkdirSync(dir, { recursive: true });
    if (album === BROKEN_COVER_ALBUM && options.covers !== 'all') {
      writeFileSync(join(dir, 'cover.png'), Buffer.from('this is not a PNG file at all'));
    } else if (options.covers === 'all' || a % 2 === 0) {
      writeFileSync(join(dir, 'cover.png'), solidPng(64, [40 + ((a * 37) % 200), 80, 160 - ((a * 11) % 120)]));
      covered++;
    }
    const count = Math.floor(TRACKS / albums) + (a < TRACKS % albums ? 1 : 0);
    for (let n = 1; n <= count; n++, written++) {
      const title = written === 0 ? LONG_TITLE : `Song ${String(written + 1).padStart(3, '0')}`;
      writeTaggedWav(join(dir, `${String(n).padStart(2, '0')} ${title.slice(0, 40)}.wav`), {
        INAM: title, IART: artist, IPRD: album, IPRT: String(n), IGNR: GENRES[a % GENRES.length]!,
      }, written);
    }
  }
  return { root, albums, coveredAlbums: covered };
}
