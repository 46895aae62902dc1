import { DEFAULT_MAX_PAYLOAD, DEFAULT_PORT } from '../../src-shared/protocol/index.js';

/** Every knob of a running server, with the defaults the command line starts from. */
export interface ServerLimitsConfig {
  maxPayload: number;
  maxConnections: number;
  maxStreamsPerConnection: number;
  /** Requests read but not yet answered on one connection. */
  maxQueuedRequests: number;
  idleTimeoutMs: number;
  /** Sample frames per DATA frame at most: small enough for a quick first sound, large enough to be cheap. */
  framesPerData: number;
}

export const DEFAULT_LIMITS: ServerLimitsConfig = {
  maxPayload: DEFAULT_MAX_PAYLOAD,
  maxConnections: 4096,
  maxStreamsPerConnection: 4,
  maxQueuedRequests: 32,
  idleTimeoutMs: 60_000,
  framesPerData: 16384,
};

export const DEFAULT_HOST = '127.0.0.1';
export { DEFAULT_PORT };
export const SERVER_NAME = 'atp-server';
export const SERVER_VERSION = '0.1.0';
