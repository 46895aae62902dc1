/**
 * Golden vectors of USERDATA (docs/PROTOCOL.md §8a and its examples): a change to a playlist made on revision 4,
 * its ACK, the refusal of a stale one, a usage request and the refusal of PLAY when the quota is spent.
 * vectors.ts lists them with the others, so docs-vectors.test.ts holds the spec to these bytes too.
 */
import { build, frame, type ErrorBody, type PlaylistsReply, type PlaylistsRequest, type UsageRequest } from '../../../src-shared/protocol/index.js';
import { TRACK, UID, utf8 } from './example-session.js';
import type { Vector } from './vectors.js';

export const PLAYLIST_ADD: PlaylistsRequest = { op: 'add', id: 'pl7Kq2', revision: 4, tracks: [TRACK] };
export const PLAYLIST_ADD_REPLY: PlaylistsReply = {
  playlist: { id: 'pl7Kq2', name: 'Road', revision: 5, count: 3, createdAt: 1767225600000, updatedAt: 1767312000000 },
};
export const STALE_REVISION: ErrorBody = {
  code: 'stale-revision',
  message: 'playlist pl7Kq2 is at revision 5, and this change was made on revision 4: read it again, then make the change on what it holds now',
  request: { type: 5, func: 1 },
};
export const USAGE: UsageRequest = { user: 'bob', from: '2026-01-01', to: '2026-01-31' };
export const QUOTA_EXCEEDED: ErrorBody = {
  code: 'quota-exceeded',
  message: 'the 600 minutes of listening of 2026-01 are spent',
  request: { type: 0, func: 1 },
};

export const userDataVectors: Vector[] = [
  {
    name: 'userdata-playlist-add',
    from: 'client',
    frame: frame({ type: 5, func: 1, uid: UID, payload: utf8(PLAYLIST_ADD) }),
    build: () => build.userData(UID, 1, PLAYLIST_ADD),
    hex: `61 05 01 08 00 01 00 00 | 00 00 00 45 |
7b 22 6f 70 22 3a 22 61 64 64 22 2c 22 69 64 22
3a 22 70 6c 37 4b 71 32 22 2c 22 72 65 76 69 73
69 6f 6e 22 3a 34 2c 22 74 72 61 63 6b 73 22 3a
5b 22 4b 33 4c 68 64 74 63 53 62 58 72 54 46 5a
44 55 22 5d 7d`,
  },
  {
    name: 'userdata-playlist-add-ack',
    from: 'server',
    frame: frame({ type: 5, func: 1, ack: true, uid: UID, payload: utf8(PLAYLIST_ADD_REPLY) }),
    build: () => build.userDataAck(UID, 1, PLAYLIST_ADD_REPLY),
    hex: `61 05 01 09 00 01 00 00 | 00 00 00 75 |
7b 22 70 6c 61 79 6c 69 73 74 22 3a 7b 22 69 64
22 3a 22 70 6c 37 4b 71 32 22 2c 22 6e 61 6d 65
22 3a 22 52 6f 61 64 22 2c 22 72 65 76 69 73 69
6f 6e 22 3a 35 2c 22 63 6f 75 6e 74 22 3a 33 2c
22 63 72 65 61 74 65 64 41 74 22 3a 31 37 36 37
32 32 35 36 30 30 30 30 30 2c 22 75 70 64 61 74
65 64 41 74 22 3a 31 37 36 37 33 31 32 30 30 30
30 30 30 7d 7d`,
  },
  {
    name: 'error-stale-revision',
    from: 'server',
    frame: frame({ type: 2, func: 2, uid: UID, payload: utf8(STALE_REVISION) }),
    build: () => build.error(UID, 0, 'stale-revision', STALE_REVISION.message, { type: 5, func: 1 }),
    hex: `61 02 02 08 00 01 00 00 | 00 00 00 c6 |
7b 22 63 6f 64 65 22 3a 22 73 74 61 6c 65 2d 72
65 76 69 73 69 6f 6e 22 2c 22 6d 65 73 73 61 67
65 22 3a 22 70 6c 61 79 6c 69 73 74 20 70 6c 37
4b 71 32 20 69 73 20 61 74 20 72 65 76 69 73 69
6f 6e 20 35 2c 20 61 6e 64 20 74 68 69 73 20 63
68 61 6e 67 65 20 77 61 73 20 6d 61 64 65 20 6f
6e 20 72 65 76 69 73 69 6f 6e 20 34 3a 20 72 65
61 64 20 69 74 20 61 67 61 69 6e 2c 20 74 68 65
6e 20 6d 61 6b 65 20 74 68 65 20 63 68 61 6e 67
65 20 6f 6e 20 77 68 61 74 20 69 74 20 68 6f 6c
64 73 20 6e 6f 77 22 2c 22 72 65 71 75 65 73 74
22 3a 7b 22 74 79 70 65 22 3a 35 2c 22 66 75 6e
63 22 3a 31 7d 7d`,
  },
  {
    name: 'userdata-usage',
    from: 'client',
    frame: frame({ type: 5, func: 3, uid: UID, payload: utf8(USAGE) }),
    build: () => build.userData(UID, 3, USAGE),
    hex: `61 05 03 08 00 01 00 00 | 00 00 00 34 |
7b 22 75 73 65 72 22 3a 22 62 6f 62 22 2c 22 66
72 6f 6d 22 3a 22 32 30 32 36 2d 30 31 2d 30 31
22 2c 22 74 6f 22 3a 22 32 30 32 36 2d 30 31 2d
33 31 22 7d`,
  },
  {
    name: 'error-quota-exceeded',
    from: 'server',
    frame: frame({ type: 2, func: 4, uid: UID, did: 1, payload: utf8(QUOTA_EXCEEDED) }),
    build: () => build.error(UID, 1, 'quota-exceeded', QUOTA_EXCEEDED.message, { type: 0, func: 1 }),
    hex: `61 02 04 08 00 01 00 01 | 00 00 00 75 |
7b 22 63 6f 64 65 22 3a 22 71 75 6f 74 61 2d 65
78 63 65 65 64 65 64 22 2c 22 6d 65 73 73 61 67
65 22 3a 22 74 68 65 20 36 30 30 20 6d 69 6e 75
74 65 73 20 6f 66 20 6c 69 73 74 65 6e 69 6e 67
20 6f 66 20 32 30 32 36 2d 30 31 20 61 72 65 20
73 70 65 6e 74 22 2c 22 72 65 71 75 65 73 74 22
3a 7b 22 74 79 70 65 22 3a 30 2c 22 66 75 6e 63
22 3a 31 7d 7d`,
  },
];
