/** One function per ATP/1 message, each returning the Frame to encode. Replies set ack and echo type and func. */
import { ControlFunc, FrameType, LibraryFunc, PlayerFunc, UserDataFunc } from './constants.js';
import { errorClassOf, type ErrorCode } from './errors.js';
import { frame, type Frame } from './frame.js';
import { encodeArtwork, encodeCredit, encodeData } from './media.js';
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
} from './messages.js';
import { encodeOriginalData } from './original.js';
import { encodeJson } from './payloads.js';

const control = (func: number, uid: number, payload: object | null, ack = false): Frame =>
  frame({ type: FrameType.CONTROL, func, uid, ack, payload: payload && encodeJson(payload) });
const player = (func: number, uid: number, did: number, payload: object | null, ack = false): Frame =>
  frame({ type: FrameType.PLAYER, func, uid, did, ack, payload: payload && encodeJson(payload) });
const library = (func: number, uid: number, payload: object | null, ack = false): Frame =>
  frame({ type: FrameType.LIBRARY, func, uid, ack, payload: payload && encodeJson(payload) });

export const login = (req: LoginRequest) => control(ControlFunc.LOGIN, 0, req);
export const loginAck = (reply: LoginReply) => control(ControlFunc.LOGIN, reply.uid, reply, true);
export const logout = (uid: number) => control(ControlFunc.LOGOUT, uid, null);
export const logoutAck = (uid: number) => control(ControlFunc.LOGOUT, uid, null, true);
/** Asks to upgrade the connection to TLS; sent before LOGIN, so with uid 0. */
export const encrypt = (uid = 0) => control(ControlFunc.ENCRYPT, uid, null);
export const encryptAck = () => control(ControlFunc.ENCRYPT, 0, null, true);
export const ping = (uid: number) => control(ControlFunc.PING, uid, null);
export const pingAck = (uid: number) => control(ControlFunc.PING, uid, null, true);

export const list = (uid: number, req: ListRequest) => library(LibraryFunc.LIST, uid, req);
export const listAck = (uid: number, reply: ListReply) => library(LibraryFunc.LIST, uid, reply, true);
export const browse = (uid: number, req: BrowseRequest) => library(LibraryFunc.BROWSE, uid, req);
export const browseAck = (uid: number, reply: BrowseReply) => library(LibraryFunc.BROWSE, uid, reply, true);
export const artwork = (uid: number, track: string) => library(LibraryFunc.ARTWORK, uid, { track });
export const artworkAck = (uid: number, mime: string, image: Uint8Array): Frame =>
  frame({ type: FrameType.LIBRARY, func: LibraryFunc.ARTWORK, uid, ack: true, payload: encodeArtwork(mime, image) });

/** USERDATA requests (§14): func is a UserDataFunc, the payload its request; the ACK carries the reply. */
export const userData = (uid: number, func: (typeof UserDataFunc)[keyof typeof UserDataFunc], req: object) =>
  frame({ type: FrameType.USERDATA, func, uid, payload: encodeJson(req) });
export const userDataAck = (uid: number, func: (typeof UserDataFunc)[keyof typeof UserDataFunc], reply: object) =>
  frame({ type: FrameType.USERDATA, func, uid, ack: true, payload: encodeJson(reply) });

export const setup = (uid: number, req: SetupRequest) => player(PlayerFunc.SETUP, uid, 0, req);
export const setupAck = (uid: number, did: number, reply: SetupReply) => player(PlayerFunc.SETUP, uid, did, reply, true);
/** Without a request body: resume where paused, keeping the window. */
export const play = (uid: number, did: number, req?: PlayRequest) => player(PlayerFunc.PLAY, uid, did, req ?? null);
export const playAck = (uid: number, did: number, reply: PlayReply) => player(PlayerFunc.PLAY, uid, did, reply, true);
export const pause = (uid: number, did: number) => player(PlayerFunc.PAUSE, uid, did, null);
export const pauseAck = (uid: number, did: number, reply: PauseReply) => player(PlayerFunc.PAUSE, uid, did, reply, true);
export const teardown = (uid: number, did: number) => player(PlayerFunc.TEARDOWN, uid, did, null);
export const teardownAck = (uid: number, did: number) => player(PlayerFunc.TEARDOWN, uid, did, null, true);
export const end = (uid: number, did: number, notice: EndNotice) => player(PlayerFunc.END, uid, did, notice);
export const credit = (uid: number, did: number, bytes: number): Frame =>
  frame({ type: FrameType.PLAYER, func: PlayerFunc.CREDIT, uid, did, payload: encodeCredit(bytes) });
export const data = (uid: number, did: number, epoch: number, firstFrame: number, pcm: Uint8Array, checksum = false): Frame =>
  frame({ type: FrameType.PLAYER, func: PlayerFunc.DATA, uid, did, checksum, payload: encodeData(epoch, firstFrame, pcm) });
/** DATA of an `original` stream whose codec has units (every codec but pcm, whose DATA is built like `data`). */
export const originalData = (uid: number, did: number, epoch: number, position: number, units: readonly Uint8Array[], checksum = false): Frame =>
  frame({ type: FrameType.PLAYER, func: PlayerFunc.DATA, uid, did, checksum, payload: encodeOriginalData(epoch, position, units) });

export function error(
  uid: number,
  did: number,
  code: ErrorCode,
  message: string,
  request?: { type: number; func: number },
): Frame {
  const body: ErrorBody = request ? { code, message, request } : { code, message };
  return frame({ type: FrameType.ERROR, func: errorClassOf(code), uid, did, payload: encodeJson(body) });
}
