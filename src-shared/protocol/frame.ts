/** One ATP frame as the codec sees it: the 8-byte header's fields and the payload, if any. */
export interface Frame {
  type: number;
  func: number;
  /** Flag bit 0: this frame answers the request with the same type and func. */
  ack: boolean;
  /** Flag bit 2: the sender appended a CRC-32 of the payload (verified and stripped by the decoder). */
  checksum: boolean;
  /**
   * Flag bit 1: never set by a conforming peer, since encryption upgrades a whole connection (CONTROL/ENCRYPT) and
   * frames are never encrypted one by one. The decoder frames such a frame as usual; a server answers it `unsupported`.
   */
  encrypted: boolean;
  uid: number;
  did: number;
  /** Present exactly when flag bit 3 (EXT) is set. Does not include the checksum bytes. */
  payload: Uint8Array | null;
}

export type FrameHeader = Omit<Frame, 'payload'>;

export function frame(fields: Partial<Frame> & Pick<Frame, 'type' | 'func'>): Frame {
  return {
    ack: false,
    checksum: false,
    encrypted: false,
    uid: 0,
    did: 0,
    payload: null,
    ...fields,
  };
}
