/**
 * Golden vectors of the `opus` encoding (docs/PROTOCOL.md §8.11 and the examples after the original ones): a SETUP
 * asking for Opus at 128 kbit/s, its reply, and a DATA of two Opus packets after a seek to 2 s. vectors.ts lists
 * them with the others, so docs-vectors.test.ts holds the spec to these bytes too.
 */
import { build, frame, type SetupReply, type SetupRequest } from '../../../src-shared/protocol/index.js';
import { DID, TRACK, TRACK_FORMAT, UID, utf8 } from './example-session.js';
import type { Vector } from './vectors.js';

export const SETUP_OPUS: SetupRequest = { track: TRACK, window: 40000, encoding: 'opus', bitrate: 128 };
/** OpusHead (2 channels, pre-skip 312, input rate 44100, family 0) and OpusTags (vendor "libopus 1.4", no comments). */
export const OPUS_HEAD_BASE64 = 'T3B1c0hlYWQBAjgBRKwAAAAAAA==';
export const OPUS_TAGS_BASE64 = 'T3B1c1RhZ3MLAAAAbGlib3B1cyAxLjQAAAAA';
export const SETUP_OPUS_REPLY: SetupReply = {
  track: TRACK,
  format: TRACK_FORMAT,
  checksum: false,
  encoding: 'opus',
  codec: { name: 'opus', setup: [OPUS_HEAD_BASE64, OPUS_TAGS_BASE64], delay: 312, padding: null, maxUnitBytes: 1279, bitrate: 128 },
};
/** Two 20 ms packets of digital silence as libopus encodes them: TOC `fc` (CELT fullband 20 ms, stereo, one frame). */
export const SILENT_PACKET = new Uint8Array([0xfc, 0xff, 0xfe]);
/** The seek to 2 s (source frame 88200, granule 96000) restarts 1920 granules earlier. */
export const OPUS_DATA_POSITION = 94080;

export const opusVectors: Vector[] = [
  {
    name: 'setup-opus',
    from: 'client',
    frame: frame({ type: 0, func: 0, uid: UID, payload: utf8(SETUP_OPUS) }),
    build: () => build.setup(UID, SETUP_OPUS),
    hex: `61 00 00 08 00 01 00 00 | 00 00 00 4b |
7b 22 74 72 61 63 6b 22 3a 22 4b 33 4c 68 64 74
63 53 62 58 72 54 46 5a 44 55 22 2c 22 77 69 6e
64 6f 77 22 3a 34 30 30 30 30 2c 22 65 6e 63 6f
64 69 6e 67 22 3a 22 6f 70 75 73 22 2c 22 62 69
74 72 61 74 65 22 3a 31 32 38 7d`,
  },
  {
    name: 'setup-opus-ack',
    from: 'server',
    frame: frame({ type: 0, func: 0, ack: true, uid: UID, did: DID, payload: utf8(SETUP_OPUS_REPLY) }),
    build: () => build.setupAck(UID, DID, SETUP_OPUS_REPLY),
    hex: `61 00 00 09 00 01 00 01 | 00 00 01 61 |
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
69 6e 67 22 3a 22 6f 70 75 73 22 2c 22 63 6f 64
65 63 22 3a 7b 22 6e 61 6d 65 22 3a 22 6f 70 75
73 22 2c 22 73 65 74 75 70 22 3a 5b 22 54 33 42
31 63 30 68 6c 59 57 51 42 41 6a 67 42 52 4b 77
41 41 41 41 41 41 41 3d 3d 22 2c 22 54 33 42 31
63 31 52 68 5a 33 4d 4c 41 41 41 41 62 47 6c 69
62 33 42 31 63 79 41 78 4c 6a 51 41 41 41 41 41
22 5d 2c 22 64 65 6c 61 79 22 3a 33 31 32 2c 22
70 61 64 64 69 6e 67 22 3a 6e 75 6c 6c 2c 22 6d
61 78 55 6e 69 74 42 79 74 65 73 22 3a 31 32 37
39 2c 22 62 69 74 72 61 74 65 22 3a 31 32 38 7d
7d`,
  },
  {
    name: 'data-opus',
    from: 'server',
    frame: frame({
      type: 0,
      func: 4,
      uid: UID,
      did: DID,
      payload: new Uint8Array([0, 0, 0, 2, 0, 0, 0, 0, 0, 0x01, 0x6f, 0x80, 0, 0, 0, 3, ...SILENT_PACKET, 0, 0, 0, 3, ...SILENT_PACKET]),
    }),
    build: () => build.originalData(UID, DID, 2, OPUS_DATA_POSITION, [SILENT_PACKET, SILENT_PACKET]),
    hex: `61 00 04 08 00 01 00 01 | 00 00 00 1a |
00 00 00 02 00 00 00 00 00 01 6f 80 00 00 00 03
fc ff fe 00 00 00 03 fc ff fe`,
  },
];
