/**
 * What a decoding thread and the process that serves connections say to each other. Each request carries a number
 * the answer repeats; a source is named by the number the thread gave it when it opened the file.
 */
import type { SourceFormat } from '../../src-codecs/pcm-source.js';

/** The workerData that makes a thread a decoding thread (cli.ts and decode-thread.ts both check it). */
export const DECODE_THREAD_ROLE = 'atp-decode-thread';

export type DecodeRequest =
  | { op: 'open'; call: number; path: string }
  | { op: 'seek'; call: number; source: number; frame: number }
  | { op: 'read'; call: number; source: number; maxFrames: number }
  | { op: 'close'; call: number; source: number };

/** A DecodeError's fields, or a plain error's message (code null). */
export interface DecodeFailure {
  code: 'unsupported-format' | 'decode-failed' | null;
  message: string;
  final: boolean;
}

export type DecodeAnswer =
  | { call: number; ok: true; source?: number; format?: SourceFormat; pcm?: Uint8Array; frames?: number }
  | { call: number; ok: false; failure: DecodeFailure };
