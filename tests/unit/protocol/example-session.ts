/**
 * What every golden vector shares, whichever file lists it: the session of docs/PROTOCOL.md's examples (user alice
 * gets uid 1; her first stream is did 1, of the 30 s example track) and the JSON payloads' encoding. In a module of
 * its own because vectors.ts imports the other vector files, which could not read these from it while it loads.
 */
import type { StreamFormat } from '../../../src-shared/protocol/index.js';

export const UID = 1;
export const DID = 1;
export const TRACK = 'K3LhdtcSbXrTFZDU';
/** The example track as every SETUP reply announces it, whatever its encoding. */
export const TRACK_FORMAT: StreamFormat = { sampleRate: 44100, channels: 2, sampleFormat: 's16le', bytesPerFrame: 4, totalFrames: 1323000, durationMs: 30000 };

export const utf8 = (o: object) => new TextEncoder().encode(JSON.stringify(o));
