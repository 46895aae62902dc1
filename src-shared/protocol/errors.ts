import { ErrorClass } from './constants.js';

/**
 * Every error code ATP/1 defines, with the class that goes into the error frame's func byte.
 * A program acts on the code; the message in the frame is for people.
 */
export const ERROR_CODES = {
  // PROTOCOL: the byte stream cannot be framed; the sender closes the connection after the error frame.
  'bad-magic': ErrorClass.PROTOCOL,
  'bad-version': ErrorClass.PROTOCOL,
  'reserved-flags': ErrorClass.PROTOCOL,
  'checksum-without-payload': ErrorClass.PROTOCOL,
  'bad-length': ErrorClass.PROTOCOL,
  // AUTH
  'not-logged-in': ErrorClass.AUTH,
  'bad-credentials': ErrorClass.AUTH,
  'wrong-uid': ErrorClass.AUTH,
  'already-logged-in': ErrorClass.AUTH,
  'encryption-required': ErrorClass.AUTH,
  'forbidden': ErrorClass.AUTH,
  'no-account': ErrorClass.AUTH,
  // REQUEST: the frame was read but cannot be acted on; the connection lives on.
  'unknown-type': ErrorClass.REQUEST,
  'unknown-func': ErrorClass.REQUEST,
  'bad-payload': ErrorClass.REQUEST,
  'bad-state': ErrorClass.REQUEST,
  'checksum-mismatch': ErrorClass.REQUEST,
  'already-encrypted': ErrorClass.REQUEST,
  'stale-revision': ErrorClass.REQUEST,
  // RESOURCE
  'unknown-track': ErrorClass.RESOURCE,
  'unknown-stream': ErrorClass.RESOURCE,
  'unplayable': ErrorClass.RESOURCE,
  'no-artwork': ErrorClass.RESOURCE,
  'unknown-playlist': ErrorClass.RESOURCE,
  // LIMIT
  'payload-too-large': ErrorClass.LIMIT,
  'too-many-connections': ErrorClass.LIMIT,
  'too-many-streams': ErrorClass.LIMIT,
  'too-many-requests': ErrorClass.LIMIT,
  'idle-timeout': ErrorClass.LIMIT,
  'playlist-full': ErrorClass.LIMIT,
  'quota-exceeded': ErrorClass.LIMIT,
  // UNSUPPORTED: defined by the protocol, not offered by this peer.
  'unsupported': ErrorClass.UNSUPPORTED,
  'unsupported-format': ErrorClass.UNSUPPORTED,
  'unknown-encoding': ErrorClass.UNSUPPORTED,
  // SERVER
  'internal': ErrorClass.SERVER,
  'decode-failed': ErrorClass.SERVER,
  'shutting-down': ErrorClass.SERVER,
} as const satisfies Record<string, ErrorClass>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

export function errorClassOf(code: ErrorCode): ErrorClass {
  return ERROR_CODES[code];
}

/** An error a peer reported, or one raised locally with a protocol code. */
export class AtpError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AtpError';
    this.code = code;
  }
}
