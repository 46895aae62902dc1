/**
 * Golden vectors of the `original` encoding (docs/PROTOCOL.md §8.10 and the examples after PLAYER DATA): a FLAC
 * stream set up as original, one DATA carrying one FLAC frame, and the refusal of an encoding the server does not
 * offer. vectors.ts lists them with the others, so docs-vectors.test.ts holds the spec to these bytes too.
 */
import { build, frame, type ErrorBody, type SetupReply, type SetupRequest } from '../../../src-shared/protocol/index.js';
import { DID, TRACK, TRACK_FORMAT, UID, utf8 } from './example-session.js';
import type { Vector } from './vectors.js';

export const SETUP_ORIGINAL: SetupRequest = { track: TRACK, window: 352800, encoding: 'original' };
/** STREAMINFO of a 30 s 44.1 kHz stereo 16-bit FLAC file in blocks of 4096: min/max block 4096, frame sizes unknown. */
export const STREAMINFO_BASE64 = 'EAAQAAAAAAAAAArEQvAAFC/4AAAAAAAAAAAAAAAAAAAAAA==';
export const SETUP_ORIGINAL_REPLY: SetupReply = {
  track: TRACK,
  format: TRACK_FORMAT,
  checksum: false,
  encoding: 'original',
  codec: { name: 'flac', setup: [STREAMINFO_BASE64], delay: 0, padding: null, maxUnitBytes: 18454 },
};
/**
 * FLAC frame number 21 (samples 86016…90111) of that stream: header with CRC-8 `a9`, two constant subframes
 * (1000 and −1000), CRC-16 `ad dc`. The frame that holds sample frame 88200 (2 s), so the first of epoch 2.
 */
export const FLAC_FRAME = new Uint8Array([0xff, 0xf8, 0xc9, 0x18, 0x15, 0xa9, 0x00, 0x03, 0xe8, 0x00, 0xfc, 0x18, 0xad, 0xdc]);
export const FLAC_FRAME_SAMPLE = 86016;
export const UNKNOWN_ENCODING: ErrorBody = {
  code: 'unknown-encoding',
  message: 'unknown encoding "flac": this server offers pcm, original, opus',
  request: { type: 0, func: 0 },
};

export const originalVectors: Vector[] = [
  {
    name: 'setup-original',
    from: 'client',
    frame: frame({ type: 0, func: 0, uid: UID, payload: utf8(SETUP_ORIGINAL) }),
    build: () => build.setup(UID, SETUP_ORIGINAL),
    hex: `61 00 00 08 00 01 00 00 | 00 00 00 42 |
7b 22 74 72 61 63 6b 22 3a 22 4b 33 4c 68 64 74
63 53 62 58 72 54 46 5a 44 55 22 2c 22 77 69 6e
64 6f 77 22 3a 33 35 32 38 30 30 2c 22 65 6e 63
6f 64 69 6e 67 22 3a 22 6f 72 69 67 69 6e 61 6c
22 7d`,
  },
  {
    name: 'setup-original-ack',
    from: 'server',
    frame: frame({ type: 0, func: 0, ack: true, uid: UID, did: DID, payload: utf8(SETUP_ORIGINAL_REPLY) }),
    build: () => build.setupAck(UID, DID, SETUP_ORIGINAL_REPLY),
    hex: `61 00 00 09 00 01 00 01 | 00 00 01 43 |
7b 22 74 72 61 63 6b 22 3a 22 4b 33 4c 68 64 74
63 53 62 58 72 54 46 5a 44 55 22 2c 22 66 6f 72
6d 61 74 22 3a 7b 22 73 61 6d 70 6c 65 52 61 74
65 22 3a 34 34 31 30 30 2c 22 63 68 61 6e 6e 65
6c 73 22 3a 32 2c 22 73 61 6d 70 6c 65 46 6f 72
6d 61 74 22 3a 22 73 31 36 6c 65 22 2c 22 62 79
74 65 73 50 65 72 46 72 61 6d 65 22 3a 34 2c 22
74 6f 74 61 6c 46 72 61 6d 65 73 22 3a 31 33 32
33 30 30 30 2c 22 64 75 72 61 74 69 6f 6e 4d 73
22 3a 33 30 30 30 30 7d 2c 22 63 68 65 63 6b 73
75 6d 22 3a 66 61 6c 73 65 2c 22 65 6e 63 6f 64
69 6e 67 22 3a 22 6f 72 69 67 69 6e 61 6c 22 2c
22 63 6f 64 65 63 22 3a 7b 22 6e 61 6d 65 22 3a
22 66 6c 61 63 22 2c 22 73 65 74 75 70 22 3a 5b
22 45 41 41 51 41 41 41 41 41 41 41 41 41 41 72
45 51 76 41 41 46 43 2f 34 41 41 41 41 41 41 41
41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 3d
3d 22 5d 2c 22 64 65 6c 61 79 22 3a 30 2c 22 70
61 64 64 69 6e 67 22 3a 6e 75 6c 6c 2c 22 6d 61
78 55 6e 69 74 42 79 74 65 73 22 3a 31 38 34 35
34 7d 7d`,
  },
  {
    name: 'data-original',
    from: 'server',
    frame: frame({
      type: 0,
      func: 4,
      uid: UID,
      did: DID,
      payload: new Uint8Array([0, 0, 0, 2, 0, 0, 0, 0, 0, 0x01, 0x50, 0x00, 0, 0, 0, FLAC_FRAME.length, ...FLAC_FRAME]),
    }),
    build: () => build.originalData(UID, DID, 2, FLAC_FRAME_SAMPLE, [FLAC_FRAME]),
    hex: `61 00 04 08 00 01 00 01 | 00 00 00 1e |
00 00 00 02 00 00 00 00 00 01 50 00 00 00 00 0e
ff f8 c9 18 15 a9 00 03 e8 00 fc 18 ad dc`,
  },
  {
    name: 'error-unknown-encoding',
    from: 'server',
    frame: frame({ type: 2, func: 5, uid: UID, payload: utf8(UNKNOWN_ENCODING) }),
    build: () => build.error(UID, 0, 'unknown-encoding', UNKNOWN_ENCODING.message, UNKNOWN_ENCODING.request),
    hex: `61 02 05 08 00 01 00 00 | 00 00 00 87 |
7b 22 63 6f 64 65 22 3a 22 75 6e 6b 6e 6f 77 6e
2d 65 6e 63 6f 64 69 6e 67 22 2c 22 6d 65 73 73
61 67 65 22 3a 22 75 6e 6b 6e 6f 77 6e 20 65 6e
63 6f 64 69 6e 67 20 5c 22 66 6c 61 63 5c 22 3a
20 74 68 69 73 20 73 65 72 76 65 72 20 6f 66 66
65 72 73 20 70 63 6d 2c 20 6f 72 69 67 69 6e 61
6c 2c 20 6f 70 75 73 22 2c 22 72 65 71 75 65 73
74 22 3a 7b 22 74 79 70 65 22 3a 30 2c 22 66 75
6e 63 22 3a 30 7d 7d`,
  },
];
