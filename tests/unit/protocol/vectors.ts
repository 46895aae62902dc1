/**
 * Golden vectors: one per frame kind, the same bytes as the ```hex examples in docs/PROTOCOL.md
 * (docs-vectors.test.ts keeps the two identical). `frame` is written out field by field, independently of the
 * builders; `build` is the call a client or server makes to produce it.
 */
import {
  FrameDecoder,
  build,
  frame,
  type DecodeEvent,
  type Frame,
  type FrameDecoderOptions,
} from '../../../src-shared/protocol/index.js';
import type {
  BrowseReply,
  BrowseRequest,
  EndNotice,
  ErrorBody,
  ListReply,
  ListRequest,
  LoginReply,
  LoginRequest,
  PauseReply,
  PlayReply,
  PlayRequest,
  SetupReply,
  SetupRequest,
} from '../../../src-shared/protocol/index.js';
import { DID, TRACK, TRACK_FORMAT, UID, utf8 } from './example-session.js';
import { opusVectors } from './opus-vectors.js';
import { originalVectors } from './original-vectors.js';
import { userDataVectors } from './userdata-vectors.js';

export interface Vector {
  name: string;
  /** Who sends this frame. */
  from: 'client' | 'server';
  frame: Frame;
  build: () => Frame;
  /** Grouped as in the docs: header | length | payload | checksum. Whitespace and '|' are not bytes. */
  hex: string;
}

export function hexBytes(hex: string): Uint8Array {
  const digits = hex.replace(/[\s|]/g, '');
  if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) throw new Error(`not hex: ${hex}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export { DID, TRACK, UID } from './example-session.js';

export const LOGIN: LoginRequest = { user: 'alice', password: 'secret', pageSize: 0 };
export const LOGIN_REPLY: LoginReply = {
  uid: 1,
  user: 'alice',
  server: { name: 'atp-server', version: '0.1.0', protocol: 1 },
  limits: { maxPayload: 1048576, maxStreams: 4, idleTimeoutMs: 60000 },
  library: { total: 1, offset: 0, tracks: [], scan: { state: 'idle', scanned: 1, total: 1 } },
};
export const LIST: ListRequest = { offset: 0, limit: 1, sort: 'title' };
export const LIST_REPLY: ListReply = {
  total: 1,
  offset: 0,
  tracks: [
    {
      id: TRACK,
      path: 'Ada/Tones/01 A440.flac',
      title: 'A440',
      artist: 'Ada',
      album: 'Tones',
      albumArtist: null,
      trackNo: 1,
      discNo: null,
      year: 2015,
      genre: null,
      durationMs: 30000,
      codec: 'flac',
      sampleRate: 44100,
      channels: 2,
      bitsPerSample: 16,
      playable: true,
      artwork: true,
    },
  ],
  scan: { state: 'idle', scanned: 1, total: 1 },
};
export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const SETUP: SetupRequest = { track: TRACK, window: 352800 };
export const SETUP_REPLY: SetupReply = {
  track: TRACK,
  format: TRACK_FORMAT,
  checksum: false,
};
export const BROWSE: BrowseRequest = { kind: 'albums', limit: 1, sort: 'year' };
export const BROWSE_REPLY: BrowseReply = {
  kind: 'albums',
  total: 1,
  offset: 0,
  items: [{
    id: 'mISaDwDr4NDvC5pf', title: 'Tones', artist: 'Ada', artistId: 'IZ6l-L9DAtXJfQAA', year: 2015, tracks: 1, discs: 1,
    durationMs: 30000, artworkTrack: TRACK,
  }],
  scan: { state: 'idle', scanned: 1, total: 1 },
};
export const PLAY_AT: PlayRequest = { positionMs: 2000, window: 352800 };
export const PLAY_REPLY: PlayReply = { epoch: 2, startFrame: 88200, positionMs: 2000 };
export const PAUSE_REPLY: PauseReply = { frame: 97020, positionMs: 2200 };
/** Two stereo sample frames, s16le: (1000, -1000), (2000, -2000). */
export const PCM = new Uint8Array([0xe8, 0x03, 0x18, 0xfc, 0xd0, 0x07, 0x30, 0xf8]);
export const DATA_EPOCH = 2;
export const DATA_FIRST_FRAME = 88200;
export const CREDIT_BYTES = 8;
export const END: EndNotice = { epoch: 3, totalFrames: 1323000 };
export const END_TRUNCATED: EndNotice = {
  epoch: 3,
  totalFrames: 529200,
  reason: 'the file ended after 529200 of the 1323000 sample frames announced: it is truncated or damaged',
};
export const ERROR: ErrorBody = {
  code: 'unknown-track',
  message: 'no track nOSuChTrAcK000000',
  request: { type: 0, func: 0 },
};
export const IDLE: ErrorBody = { code: 'idle-timeout', message: 'no frame for 60000 ms' };
export const ENCRYPTED_REFUSED: ErrorBody = {
  code: 'unsupported',
  message: 'frames are never encrypted one by one: encryption is CONTROL/ENCRYPT, which upgrades the whole connection',
  request: { type: 1, func: 3 },
};
export const ENCRYPTION_REQUIRED: ErrorBody = {
  code: 'encryption-required',
  message: 'send ENCRYPT first: this server takes no password or token in clear text over the network',
  request: { type: 1, func: 0 },
};
export const ALREADY_ENCRYPTED: ErrorBody = {
  code: 'already-encrypted',
  message: 'this connection is encrypted already',
  request: { type: 1, func: 2 },
};

/** The DATA payload written out: u32 epoch, u64 first frame, PCM. */
const DATA_PAYLOAD = new Uint8Array([0, 0, 0, 2, 0, 0, 0, 0, 0, 0x01, 0x58, 0x88, ...PCM]);

export const vectors: Vector[] = [
  {
    name: 'login',
    from: 'client',
    frame: frame({ type: 1, func: 0, uid: 0, payload: utf8(LOGIN) }),
    build: () => build.login(LOGIN),
    hex: `61 01 00 08 00 00 00 00 | 00 00 00 31 |
7b 22 75 73 65 72 22 3a 22 61 6c 69 63 65 22 2c
22 70 61 73 73 77 6f 72 64 22 3a 22 73 65 63 72
65 74 22 2c 22 70 61 67 65 53 69 7a 65 22 3a 30
7d`,
  },
  {
    name: 'login-ack',
    from: 'server',
    frame: frame({ type: 1, func: 0, ack: true, uid: UID, payload: utf8(LOGIN_REPLY) }),
    build: () => build.loginAck(LOGIN_REPLY),
    hex: `61 01 00 09 00 01 00 00 | 00 00 00 f6 |
7b 22 75 69 64 22 3a 31 2c 22 75 73 65 72 22 3a
22 61 6c 69 63 65 22 2c 22 73 65 72 76 65 72 22
3a 7b 22 6e 61 6d 65 22 3a 22 61 74 70 2d 73 65
72 76 65 72 22 2c 22 76 65 72 73 69 6f 6e 22 3a
22 30 2e 31 2e 30 22 2c 22 70 72 6f 74 6f 63 6f
6c 22 3a 31 7d 2c 22 6c 69 6d 69 74 73 22 3a 7b
22 6d 61 78 50 61 79 6c 6f 61 64 22 3a 31 30 34
38 35 37 36 2c 22 6d 61 78 53 74 72 65 61 6d 73
22 3a 34 2c 22 69 64 6c 65 54 69 6d 65 6f 75 74
4d 73 22 3a 36 30 30 30 30 7d 2c 22 6c 69 62 72
61 72 79 22 3a 7b 22 74 6f 74 61 6c 22 3a 31 2c
22 6f 66 66 73 65 74 22 3a 30 2c 22 74 72 61 63
6b 73 22 3a 5b 5d 2c 22 73 63 61 6e 22 3a 7b 22
73 74 61 74 65 22 3a 22 69 64 6c 65 22 2c 22 73
63 61 6e 6e 65 64 22 3a 31 2c 22 74 6f 74 61 6c
22 3a 31 7d 7d 7d`,
  },
  {
    name: 'ping',
    from: 'client',
    frame: frame({ type: 1, func: 3, uid: UID }),
    build: () => build.ping(UID),
    hex: `61 01 03 00 00 01 00 00`,
  },
  {
    name: 'ping-ack',
    from: 'server',
    frame: frame({ type: 1, func: 3, ack: true, uid: UID }),
    build: () => build.pingAck(UID),
    hex: `61 01 03 01 00 01 00 00`,
  },
  {
    name: 'list',
    from: 'client',
    frame: frame({ type: 4, func: 0, uid: UID, payload: utf8(LIST) }),
    build: () => build.list(UID, LIST),
    hex: `61 04 00 08 00 01 00 00 | 00 00 00 25 |
7b 22 6f 66 66 73 65 74 22 3a 30 2c 22 6c 69 6d
69 74 22 3a 31 2c 22 73 6f 72 74 22 3a 22 74 69
74 6c 65 22 7d`,
  },
  {
    name: 'list-ack',
    from: 'server',
    frame: frame({ type: 4, func: 0, ack: true, uid: UID, payload: utf8(LIST_REPLY) }),
    build: () => build.listAck(UID, LIST_REPLY),
    hex: `61 04 00 09 00 01 00 00 | 00 00 01 71 |
7b 22 74 6f 74 61 6c 22 3a 31 2c 22 6f 66 66 73
65 74 22 3a 30 2c 22 74 72 61 63 6b 73 22 3a 5b
7b 22 69 64 22 3a 22 4b 33 4c 68 64 74 63 53 62
58 72 54 46 5a 44 55 22 2c 22 70 61 74 68 22 3a
22 41 64 61 2f 54 6f 6e 65 73 2f 30 31 20 41 34
34 30 2e 66 6c 61 63 22 2c 22 74 69 74 6c 65 22
3a 22 41 34 34 30 22 2c 22 61 72 74 69 73 74 22
3a 22 41 64 61 22 2c 22 61 6c 62 75 6d 22 3a 22
54 6f 6e 65 73 22 2c 22 61 6c 62 75 6d 41 72 74
69 73 74 22 3a 6e 75 6c 6c 2c 22 74 72 61 63 6b
4e 6f 22 3a 31 2c 22 64 69 73 63 4e 6f 22 3a 6e
75 6c 6c 2c 22 79 65 61 72 22 3a 32 30 31 35 2c
22 67 65 6e 72 65 22 3a 6e 75 6c 6c 2c 22 64 75
72 61 74 69 6f 6e 4d 73 22 3a 33 30 30 30 30 2c
22 63 6f 64 65 63 22 3a 22 66 6c 61 63 22 2c 22
73 61 6d 70 6c 65 52 61 74 65 22 3a 34 34 31 30
30 2c 22 63 68 61 6e 6e 65 6c 73 22 3a 32 2c 22
62 69 74 73 50 65 72 53 61 6d 70 6c 65 22 3a 31
36 2c 22 70 6c 61 79 61 62 6c 65 22 3a 74 72 75
65 2c 22 61 72 74 77 6f 72 6b 22 3a 74 72 75 65
7d 5d 2c 22 73 63 61 6e 22 3a 7b 22 73 74 61 74
65 22 3a 22 69 64 6c 65 22 2c 22 73 63 61 6e 6e
65 64 22 3a 31 2c 22 74 6f 74 61 6c 22 3a 31 7d
7d`,
  },
  {
    name: 'artwork',
    from: 'client',
    frame: frame({ type: 4, func: 1, uid: UID, payload: utf8({ track: TRACK }) }),
    build: () => build.artwork(UID, TRACK),
    hex: `61 04 01 08 00 01 00 00 | 00 00 00 1c |
7b 22 74 72 61 63 6b 22 3a 22 4b 33 4c 68 64 74
63 53 62 58 72 54 46 5a 44 55 22 7d`,
  },
  {
    name: 'artwork-ack',
    from: 'server',
    frame: frame({
      type: 4,
      func: 1,
      ack: true,
      uid: UID,
      payload: new Uint8Array([9, ...new TextEncoder().encode('image/png'), ...PNG_SIGNATURE]),
    }),
    build: () => build.artworkAck(UID, 'image/png', PNG_SIGNATURE),
    hex: `61 04 01 09 00 01 00 00 | 00 00 00 12 |
09 69 6d 61 67 65 2f 70 6e 67 89 50 4e 47 0d 0a
1a 0a`,
  },
  {
    name: 'browse',
    from: 'client',
    frame: frame({ type: 4, func: 2, uid: UID, payload: utf8(BROWSE) }),
    build: () => build.browse(UID, BROWSE),
    hex: `61 04 02 08 00 01 00 00 | 00 00 00 29 |
7b 22 6b 69 6e 64 22 3a 22 61 6c 62 75 6d 73 22
2c 22 6c 69 6d 69 74 22 3a 31 2c 22 73 6f 72 74
22 3a 22 79 65 61 72 22 7d`,
  },
  {
    name: 'browse-ack',
    from: 'server',
    frame: frame({ type: 4, func: 2, ack: true, uid: UID, payload: utf8(BROWSE_REPLY) }),
    build: () => build.browseAck(UID, BROWSE_REPLY),
    hex: `61 04 02 09 00 01 00 00 | 00 00 01 0b |
7b 22 6b 69 6e 64 22 3a 22 61 6c 62 75 6d 73 22
2c 22 74 6f 74 61 6c 22 3a 31 2c 22 6f 66 66 73
65 74 22 3a 30 2c 22 69 74 65 6d 73 22 3a 5b 7b
22 69 64 22 3a 22 6d 49 53 61 44 77 44 72 34 4e
44 76 43 35 70 66 22 2c 22 74 69 74 6c 65 22 3a
22 54 6f 6e 65 73 22 2c 22 61 72 74 69 73 74 22
3a 22 41 64 61 22 2c 22 61 72 74 69 73 74 49 64
22 3a 22 49 5a 36 6c 2d 4c 39 44 41 74 58 4a 66
51 41 41 22 2c 22 79 65 61 72 22 3a 32 30 31 35
2c 22 74 72 61 63 6b 73 22 3a 31 2c 22 64 69 73
63 73 22 3a 31 2c 22 64 75 72 61 74 69 6f 6e 4d
73 22 3a 33 30 30 30 30 2c 22 61 72 74 77 6f 72
6b 54 72 61 63 6b 22 3a 22 4b 33 4c 68 64 74 63
53 62 58 72 54 46 5a 44 55 22 7d 5d 2c 22 73 63
61 6e 22 3a 7b 22 73 74 61 74 65 22 3a 22 69 64
6c 65 22 2c 22 73 63 61 6e 6e 65 64 22 3a 31 2c
22 74 6f 74 61 6c 22 3a 31 7d 7d`,
  },
  {
    name: 'setup',
    from: 'client',
    frame: frame({ type: 0, func: 0, uid: UID, payload: utf8(SETUP) }),
    build: () => build.setup(UID, SETUP),
    hex: `61 00 00 08 00 01 00 00 | 00 00 00 2c |
7b 22 74 72 61 63 6b 22 3a 22 4b 33 4c 68 64 74
63 53 62 58 72 54 46 5a 44 55 22 2c 22 77 69 6e
64 6f 77 22 3a 33 35 32 38 30 30 7d`,
  },
  {
    name: 'setup-ack',
    from: 'server',
    frame: frame({ type: 0, func: 0, ack: true, uid: UID, did: DID, payload: utf8(SETUP_REPLY) }),
    build: () => build.setupAck(UID, DID, SETUP_REPLY),
    hex: `61 00 00 09 00 01 00 01 | 00 00 00 aa |
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
75 6d 22 3a 66 61 6c 73 65 7d`,
  },
  {
    name: 'play',
    from: 'client',
    frame: frame({ type: 0, func: 1, uid: UID, did: DID }),
    build: () => build.play(UID, DID),
    hex: `61 00 01 00 00 01 00 01`,
  },
  {
    name: 'play-at',
    from: 'client',
    frame: frame({ type: 0, func: 1, uid: UID, did: DID, payload: utf8(PLAY_AT) }),
    build: () => build.play(UID, DID, PLAY_AT),
    hex: `61 00 01 08 00 01 00 01 | 00 00 00 23 |
7b 22 70 6f 73 69 74 69 6f 6e 4d 73 22 3a 32 30
30 30 2c 22 77 69 6e 64 6f 77 22 3a 33 35 32 38
30 30 7d`,
  },
  {
    name: 'play-ack',
    from: 'server',
    frame: frame({ type: 0, func: 1, ack: true, uid: UID, did: DID, payload: utf8(PLAY_REPLY) }),
    build: () => build.playAck(UID, DID, PLAY_REPLY),
    hex: `61 00 01 09 00 01 00 01 | 00 00 00 30 |
7b 22 65 70 6f 63 68 22 3a 32 2c 22 73 74 61 72
74 46 72 61 6d 65 22 3a 38 38 32 30 30 2c 22 70
6f 73 69 74 69 6f 6e 4d 73 22 3a 32 30 30 30 7d`,
  },
  {
    name: 'data',
    from: 'server',
    frame: frame({ type: 0, func: 4, uid: UID, did: DID, payload: DATA_PAYLOAD }),
    build: () => build.data(UID, DID, DATA_EPOCH, DATA_FIRST_FRAME, PCM),
    hex: `61 00 04 08 00 01 00 01 | 00 00 00 14 |
00 00 00 02 00 00 00 00 00 01 58 88 e8 03 18 fc
d0 07 30 f8`,
  },
  {
    name: 'data-checksum',
    from: 'server',
    frame: frame({ type: 0, func: 4, checksum: true, uid: UID, did: DID, payload: DATA_PAYLOAD }),
    build: () => build.data(UID, DID, DATA_EPOCH, DATA_FIRST_FRAME, PCM, true),
    hex: `61 00 04 0c 00 01 00 01 | 00 00 00 18 |
00 00 00 02 00 00 00 00 00 01 58 88 e8 03 18 fc
d0 07 30 f8 | 21 8e 4a 43`,
  },
  {
    name: 'credit',
    from: 'client',
    frame: frame({ type: 0, func: 5, uid: UID, did: DID, payload: new Uint8Array([0, 0, 0, CREDIT_BYTES]) }),
    build: () => build.credit(UID, DID, CREDIT_BYTES),
    hex: `61 00 05 08 00 01 00 01 | 00 00 00 04 | 00 00 00 08`,
  },
  {
    name: 'pause',
    from: 'client',
    frame: frame({ type: 0, func: 2, uid: UID, did: DID }),
    build: () => build.pause(UID, DID),
    hex: `61 00 02 00 00 01 00 01`,
  },
  {
    name: 'pause-ack',
    from: 'server',
    frame: frame({ type: 0, func: 2, ack: true, uid: UID, did: DID, payload: utf8(PAUSE_REPLY) }),
    build: () => build.pauseAck(UID, DID, PAUSE_REPLY),
    hex: `61 00 02 09 00 01 00 01 | 00 00 00 21 |
7b 22 66 72 61 6d 65 22 3a 39 37 30 32 30 2c 22
70 6f 73 69 74 69 6f 6e 4d 73 22 3a 32 32 30 30
7d`,
  },
  {
    name: 'end',
    from: 'server',
    frame: frame({ type: 0, func: 6, uid: UID, did: DID, payload: utf8(END) }),
    build: () => build.end(UID, DID, END),
    hex: `61 00 06 08 00 01 00 01 | 00 00 00 21 |
7b 22 65 70 6f 63 68 22 3a 33 2c 22 74 6f 74 61
6c 46 72 61 6d 65 73 22 3a 31 33 32 33 30 30 30
7d`,
  },
  {
    name: 'end-truncated',
    from: 'server',
    frame: frame({ type: 0, func: 6, uid: UID, did: DID, payload: utf8(END_TRUNCATED) }),
    build: () => build.end(UID, DID, END_TRUNCATED),
    hex: `61 00 06 08 00 01 00 01 | 00 00 00 8a |
7b 22 65 70 6f 63 68 22 3a 33 2c 22 74 6f 74 61
6c 46 72 61 6d 65 73 22 3a 35 32 39 32 30 30 2c
22 72 65 61 73 6f 6e 22 3a 22 74 68 65 20 66 69
6c 65 20 65 6e 64 65 64 20 61 66 74 65 72 20 35
32 39 32 30 30 20 6f 66 20 74 68 65 20 31 33 32
33 30 30 30 20 73 61 6d 70 6c 65 20 66 72 61 6d
65 73 20 61 6e 6e 6f 75 6e 63 65 64 3a 20 69 74
20 69 73 20 74 72 75 6e 63 61 74 65 64 20 6f 72
20 64 61 6d 61 67 65 64 22 7d`,
  },
  {
    name: 'teardown',
    from: 'client',
    frame: frame({ type: 0, func: 3, uid: UID, did: DID }),
    build: () => build.teardown(UID, DID),
    hex: `61 00 03 00 00 01 00 01`,
  },
  {
    name: 'teardown-ack',
    from: 'server',
    frame: frame({ type: 0, func: 3, ack: true, uid: UID, did: DID }),
    build: () => build.teardownAck(UID, DID),
    hex: `61 00 03 01 00 01 00 01`,
  },
  {
    name: 'error',
    from: 'server',
    frame: frame({ type: 2, func: 3, uid: UID, payload: utf8(ERROR) }),
    build: () => build.error(UID, 0, 'unknown-track', ERROR.message, ERROR.request),
    hex: `61 02 03 08 00 01 00 00 | 00 00 00 5d |
7b 22 63 6f 64 65 22 3a 22 75 6e 6b 6e 6f 77 6e
2d 74 72 61 63 6b 22 2c 22 6d 65 73 73 61 67 65
22 3a 22 6e 6f 20 74 72 61 63 6b 20 6e 4f 53 75
43 68 54 72 41 63 4b 30 30 30 30 30 30 22 2c 22
72 65 71 75 65 73 74 22 3a 7b 22 74 79 70 65 22
3a 30 2c 22 66 75 6e 63 22 3a 30 7d 7d`,
  },
  {
    name: 'error-idle-timeout',
    from: 'server',
    frame: frame({ type: 2, func: 4, uid: UID, payload: utf8(IDLE) }),
    build: () => build.error(UID, 0, 'idle-timeout', IDLE.message),
    hex: `61 02 04 08 00 01 00 00 | 00 00 00 39 |
7b 22 63 6f 64 65 22 3a 22 69 64 6c 65 2d 74 69
6d 65 6f 75 74 22 2c 22 6d 65 73 73 61 67 65 22
3a 22 6e 6f 20 66 72 61 6d 65 20 66 6f 72 20 36
30 30 30 30 20 6d 73 22 7d`,
  },
  {
    name: 'ping-encrypted',
    from: 'client',
    frame: frame({ type: 1, func: 3, uid: UID, encrypted: true }),
    build: () => ({ ...build.ping(UID), encrypted: true }),
    hex: `61 01 03 02 00 01 00 00`,
  },
  {
    name: 'error-encrypted',
    from: 'server',
    frame: frame({ type: 2, func: 5, uid: UID, payload: utf8(ENCRYPTED_REFUSED) }),
    build: () => build.error(UID, 0, 'unsupported', ENCRYPTED_REFUSED.message, ENCRYPTED_REFUSED.request),
    hex: `61 02 05 08 00 01 00 00 | 00 00 00 aa |
7b 22 63 6f 64 65 22 3a 22 75 6e 73 75 70 70 6f
72 74 65 64 22 2c 22 6d 65 73 73 61 67 65 22 3a
22 66 72 61 6d 65 73 20 61 72 65 20 6e 65 76 65
72 20 65 6e 63 72 79 70 74 65 64 20 6f 6e 65 20
62 79 20 6f 6e 65 3a 20 65 6e 63 72 79 70 74 69
6f 6e 20 69 73 20 43 4f 4e 54 52 4f 4c 2f 45 4e
43 52 59 50 54 2c 20 77 68 69 63 68 20 75 70 67
72 61 64 65 73 20 74 68 65 20 77 68 6f 6c 65 20
63 6f 6e 6e 65 63 74 69 6f 6e 22 2c 22 72 65 71
75 65 73 74 22 3a 7b 22 74 79 70 65 22 3a 31 2c
22 66 75 6e 63 22 3a 33 7d 7d`,
  },
  {
    name: 'encrypt',
    from: 'client',
    frame: frame({ type: 1, func: 2, uid: 0 }),
    build: () => build.encrypt(),
    hex: `61 01 02 00 00 00 00 00`,
  },
  {
    name: 'encrypt-ack',
    from: 'server',
    frame: frame({ type: 1, func: 2, ack: true, uid: 0 }),
    build: () => build.encryptAck(),
    hex: `61 01 02 01 00 00 00 00`,
  },
  {
    name: 'error-encryption-required',
    from: 'server',
    frame: frame({ type: 2, func: 1, uid: 0, payload: utf8(ENCRYPTION_REQUIRED) }),
    build: () => build.error(0, 0, 'encryption-required', ENCRYPTION_REQUIRED.message, ENCRYPTION_REQUIRED.request),
    hex: `61 02 01 08 00 00 00 00 | 00 00 00 a2 |
7b 22 63 6f 64 65 22 3a 22 65 6e 63 72 79 70 74
69 6f 6e 2d 72 65 71 75 69 72 65 64 22 2c 22 6d
65 73 73 61 67 65 22 3a 22 73 65 6e 64 20 45 4e
43 52 59 50 54 20 66 69 72 73 74 3a 20 74 68 69
73 20 73 65 72 76 65 72 20 74 61 6b 65 73 20 6e
6f 20 70 61 73 73 77 6f 72 64 20 6f 72 20 74 6f
6b 65 6e 20 69 6e 20 63 6c 65 61 72 20 74 65 78
74 20 6f 76 65 72 20 74 68 65 20 6e 65 74 77 6f
72 6b 22 2c 22 72 65 71 75 65 73 74 22 3a 7b 22
74 79 70 65 22 3a 31 2c 22 66 75 6e 63 22 3a 30
7d 7d`,
  },
  {
    name: 'error-already-encrypted',
    from: 'server',
    frame: frame({ type: 2, func: 2, uid: 0, payload: utf8(ALREADY_ENCRYPTED) }),
    build: () => build.error(0, 0, 'already-encrypted', ALREADY_ENCRYPTED.message, ALREADY_ENCRYPTED.request),
    hex: `61 02 02 08 00 00 00 00 | 00 00 00 6b |
7b 22 63 6f 64 65 22 3a 22 61 6c 72 65 61 64 79
2d 65 6e 63 72 79 70 74 65 64 22 2c 22 6d 65 73
73 61 67 65 22 3a 22 74 68 69 73 20 63 6f 6e 6e
65 63 74 69 6f 6e 20 69 73 20 65 6e 63 72 79 70
74 65 64 20 61 6c 72 65 61 64 79 22 2c 22 72 65
71 75 65 73 74 22 3a 7b 22 74 79 70 65 22 3a 31
2c 22 66 75 6e 63 22 3a 32 7d 7d`,
  },
  {
    name: 'logout',
    from: 'client',
    frame: frame({ type: 1, func: 1, uid: UID }),
    build: () => build.logout(UID),
    hex: `61 01 01 00 00 01 00 00`,
  },
  {
    name: 'logout-ack',
    from: 'server',
    frame: frame({ type: 1, func: 1, ack: true, uid: UID }),
    build: () => build.logoutAck(UID),
    hex: `61 01 01 01 00 01 00 00`,
  },
  ...originalVectors,
  ...opusVectors,
  ...userDataVectors,
];

/** Every event a fresh decoder emits for these chunks, in order. */
export function decodeChunks(chunks: Iterable<Uint8Array>, options?: FrameDecoderOptions): DecodeEvent[] {
  const decoder = new FrameDecoder(options);
  const events: DecodeEvent[] = [];
  for (const chunk of chunks) decoder.push(chunk, (e) => events.push(e));
  return events;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
