/**
 * How the Chromium page host carries values between the test process and the page: JSON with byte arrays as
 * base64 (Playwright bindings carry strings), and a framed byte stream for what main sends down (one HTTP
 * response the page reads as it arrives), where a message's one ArrayBuffer travels as raw bytes. Used on both
 * sides, so it is browser-safe.
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof ArrayBuffer) return { __bytes: toBase64(new Uint8Array(v)), buffer: true };
    if (v instanceof Uint8Array) return { __bytes: toBase64(v) };
    return v;
  });
}

export function decodeValue(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    const tagged = v as { __bytes?: unknown; buffer?: boolean } | null;
    if (tagged && typeof tagged === 'object' && typeof tagged.__bytes === 'string') {
      const bytes = fromBase64(tagged.__bytes);
      return tagged.buffer ? bytes.buffer : bytes;
    }
    return v;
  });
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A message whose one top-level ArrayBuffer field goes as the body, the rest as JSON. */
export function splitBody(message: unknown): { header: unknown; body: Uint8Array | null; field: string | null } {
  if (message && typeof message === 'object' && !Array.isArray(message)) {
    const entries = Object.entries(message);
    const binary = entries.filter(([, v]) => v instanceof ArrayBuffer);
    if (binary.length === 1) {
      const [field, buffer] = binary[0]!;
      return { header: Object.fromEntries(entries.filter(([k]) => k !== field)), body: new Uint8Array(buffer as ArrayBuffer), field };
    }
  }
  return { header: JSON.parse(encodeValue(message)), body: null, field: null };
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
      if (joined.length - at < 4) break;
      const view = new DataView(joined.buffer, joined.byteOffset + at);
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
