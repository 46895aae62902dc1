/**
 * How the e2e bridge carries values between the test process and the page: JSON, with byte arrays as base64
 * (Playwright bindings carry JSON), and a framed byte stream for events and PCM (one HTTP response the page
 * reads as it arrives). Used on both sides.
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) {
      let s = '';
      for (const b of v) s += String.fromCharCode(b);
      return { __bytes: btoa(s) };
    }
    return v;
  });
}

export function decodeValue(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && typeof (v as { __bytes?: unknown }).__bytes === 'string') {
      const s = atob((v as { __bytes: string }).__bytes);
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
      return out;
    }
    return v;
  });
}

/** One message of the push stream: u32 header length, JSON header, u32 body length, body bytes. */
export function encodePush(header: object, body: Uint8Array | null): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(header));
  const bodyLength = body?.byteLength ?? 0;
  const out = new Uint8Array(8 + head.length + bodyLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, head.length);
  out.set(head, 4);
  view.setUint32(4 + head.length, bodyLength);
  if (body) out.set(body, 8 + head.length);
  return out;
}

/** Reads whole push messages out of a byte stream cut anywhere. */
export class PushReader {
  private buffered = new Uint8Array(0);

  push(chunk: Uint8Array, onMessage: (header: Record<string, unknown>, body: Uint8Array) => void): void {
    const joined = new Uint8Array(this.buffered.length + chunk.length);
    joined.set(this.buffered);
    joined.set(chunk, this.buffered.length);
    let at = 0;
    for (;;) {
      const view = new DataView(joined.buffer, joined.byteOffset + at);
      if (joined.length - at < 4) break;
      const headLength = view.getUint32(0);
      if (joined.length - at < 8 + headLength) break;
      const bodyLength = view.getUint32(4 + headLength);
      if (joined.length - at < 8 + headLength + bodyLength) break;
      const header = JSON.parse(new TextDecoder().decode(joined.subarray(at + 4, at + 4 + headLength))) as Record<string, unknown>;
      onMessage(header, joined.slice(at + 8 + headLength, at + 8 + headLength + bodyLength));
      at += 8 + headLength + bodyLength;
    }
    this.buffered = joined.slice(at);
  }
}
