/** ATP/1 wire constants. docs/PROTOCOL.md is the normative text; this file mirrors it. */

export const MAGIC = 0x6; // high nibble of byte 0: 0110
export const VERSION = 1;
export const VERSION_BYTE = (MAGIC << 4) | VERSION; // 0x61
export const HEADER_SIZE = 8;
export const LENGTH_SIZE = 4; // EXT: u32 payload length after the header
export const CHECKSUM_SIZE = 4;
export const DEFAULT_PORT = 2333;
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

export const FrameType = {
  PLAYER: 0,
  CONTROL: 1,
  ERROR: 2,
  RECORD: 3,
  LIBRARY: 4,
  USERDATA: 5,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const PlayerFunc = {
  SETUP: 0,
  PLAY: 1,
  PAUSE: 2,
  TEARDOWN: 3,
  DATA: 4,
  CREDIT: 5,
  END: 6,
} as const;

export const ControlFunc = {
  LOGIN: 0,
  LOGOUT: 1,
  ENCRYPT: 2,
  PING: 3,
} as const;

export const LibraryFunc = {
  LIST: 0,
  ARTWORK: 1,
  BROWSE: 2,
} as const;

/** What a user keeps on the server (docs/PROTOCOL.md §14): favourites, playlists, play history, listening time. */
export const UserDataFunc = {
  FAVOURITES: 0,
  PLAYLISTS: 1,
  HISTORY: 2,
  USAGE: 3,
} as const;

export const RecordFunc = {
  START: 0,
  DATA: 1,
  STOP: 2,
  CANCEL: 3,
} as const;

/** Error frames: func is the error class; the JSON payload carries the precise code. */
export const ErrorClass = {
  PROTOCOL: 0, // the byte stream is broken; the connection closes after this frame
  AUTH: 1,
  REQUEST: 2,
  RESOURCE: 3,
  LIMIT: 4,
  UNSUPPORTED: 5,
  SERVER: 6,
} as const;
export type ErrorClass = (typeof ErrorClass)[keyof typeof ErrorClass];

export const Flag = {
  ACK: 1 << 0,
  ENCRYPTED: 1 << 1,
  CHECKSUM: 1 << 2,
  EXT: 1 << 3,
} as const;
export const RESERVED_FLAGS = 0xf0;

const FUNC_NAMES: Record<number, readonly string[]> = {
  [FrameType.PLAYER]: ['SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'DATA', 'CREDIT', 'END'],
  [FrameType.CONTROL]: ['LOGIN', 'LOGOUT', 'ENCRYPT', 'PING'],
  [FrameType.ERROR]: ['PROTOCOL', 'AUTH', 'REQUEST', 'RESOURCE', 'LIMIT', 'UNSUPPORTED', 'SERVER'],
  [FrameType.RECORD]: ['START', 'DATA', 'STOP', 'CANCEL'],
  [FrameType.LIBRARY]: ['LIST', 'ARTWORK', 'BROWSE'],
  [FrameType.USERDATA]: ['FAVOURITES', 'PLAYLISTS', 'HISTORY', 'USAGE'],
};
const TYPE_NAMES = ['PLAYER', 'CONTROL', 'ERROR', 'RECORD', 'LIBRARY', 'USERDATA'];

export function isKnownType(type: number): type is FrameType {
  return type >= 0 && type < TYPE_NAMES.length;
}

export function isKnownFunc(type: number, func: number): boolean {
  const names = FUNC_NAMES[type];
  return names !== undefined && func >= 0 && func < names.length;
}

/** "PLAYER/SETUP": for logs and error messages. */
export function frameName(type: number, func: number): string {
  const t = TYPE_NAMES[type] ?? `type${type}`;
  const f = FUNC_NAMES[type]?.[func] ?? `func${func}`;
  return `${t}/${f}`;
}
