/** Errors of the desktop controller, and the translation of any failure into a code the renderer can word. */
import { AtpError } from '../../src-shared/protocol/errors.js';
import type { DesktopErrorCode, DesktopErrorInfo } from '../../src-shared/ipc/contract.js';
import { ArgumentError } from '../../src-shared/ipc/validate.js';

export class DesktopError extends Error {
  constructor(
    readonly code: DesktopErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DesktopError';
  }
}

const NETWORK_CODES: Record<string, DesktopErrorCode> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'host-not-found',
  EAI_AGAIN: 'host-not-found',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ECONNRESET: 'disconnected',
  EPIPE: 'disconnected',
};

export function toErrorInfo(err: unknown): DesktopErrorInfo {
  if (err instanceof AtpError || err instanceof DesktopError || err instanceof ArgumentError) {
    const server = (err as { server?: DesktopErrorInfo['server'] }).server;
    return server ? { code: err.code, message: err.message, server } : { code: err.code, message: err.message };
  }
  const e = err as NodeJS.ErrnoException;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.code === 'string' && NETWORK_CODES[e.code]) return { code: NETWORK_CODES[e.code]!, message };
  // AtpClient.connect gives up with a plain Error when nothing answers in time.
  if (/no answer from .* within/.test(message)) return { code: 'timeout', message };
  if (/connection is closed/.test(message)) return { code: 'disconnected', message };
  return { code: 'internal', message };
}
