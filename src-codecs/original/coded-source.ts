/**
 * A file read for an `original` stream: its own coded units, from a restart point chosen exactly as the decoding
 * source chooses it, with what a client needs to decode them (docs/PROTOCOL.md §8.10). Nothing is decoded here,
 * and no decoder is instantiated. Units are read out of the process's shared file blocks (file-blocks.ts), and what
 * is known of a file (its frame index, headers, length) is worked out once and shared by every stream of it: a
 * stream holds a position and little else.
 */
import type { CodecInfo } from '../../src-shared/protocol/index.js';
import { DecodeError, type SourceFormat } from '../pcm-source.js';
import { readHead } from '../registry.js';
import { openFlacUnits } from './flac-units.js';
import { openMpegUnits } from './mpeg-units.js';
import { openOggUnits } from './ogg-units.js';
import { openWavUnits } from './wav-units.js';

export interface CodedUnit {
  /** A view of the shared file blocks, or (a unit across two blocks) a copy: the caller copies what it keeps. */
  bytes: Uint8Array;
  /** The DATA position field when this unit is the first of a payload (§8.10's table). */
  position: number;
  /** The output frame after the unit's last sample, once decoded; null when the unit does not say (an Ogg page on which no packet ends). */
  end: number | null;
}

export interface CodedSource {
  readonly format: SourceFormat;
  readonly codec: CodecInfo;
  /** Readies the units that let a decoder give exact samples from output frame `frame` on. */
  restart(frame: number): Promise<void>;
  /**
   * The next unit, null at the end. For codec pcm, whole sample frames of at most `maxBytes` (at least one frame).
   * Answered at once when the file blocks it lies in are cached; a promise only when a block must be read.
   */
  next(maxBytes: number): CodedUnit | null | Promise<CodedUnit | null>;
  /**
   * The unit `next` last gave is given again by the next call: one that did not fit in a DATA is read again (from
   * the shared blocks, no file read) rather than kept by the stream as a copy.
   */
  unread(): void;
  close(): Promise<void>;
}

/**
 * Opens `path` for an original stream, choosing by content as the decoders do; null when the file's own frames
 * cannot be sent (formats decoded through ffmpeg, chained Ogg): the stream is then PCM.
 */
export async function openCodedSource(path: string): Promise<CodedSource | null> {
  const head = await readHead(path);
  const magic = String.fromCharCode(...head.subarray(0, 4));
  try {
    if (magic === 'RIFF') return await openWavUnits(path);
    if (magic === 'fLaC') return await openFlacUnits(path);
    if (magic === 'OggS') return await openOggUnits(path);
    return await openMpegUnits(path, head);
  } catch (err) {
    // What the decoding source cannot open either is reported when it tries; what only this reader refuses is PCM.
    if (err instanceof DecodeError && err.code === 'unsupported-format') return null;
    throw err;
  }
}
