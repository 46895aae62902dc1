/**
 * Text of tag formats that have no reliable encoding of their own. RIFF INFO chunks, ID3v1 and ID3v2 frames marked
 * ISO-8859-1 are decoded by music-metadata as Latin-1, as their specifications say, but common tools (ffmpeg, many
 * taggers) write UTF-8 bytes there: "Crème" comes out "CrÃ¨me". Such text is read again as UTF-8 when its bytes are
 * valid UTF-8, and kept as Latin-1 otherwise. Latin-1 text that is also valid UTF-8 with a character above 0x7F
 * needs two or more such characters in a row in a pattern real words almost never have, so the test is safe.
 * Vorbis comments and APEv2 are UTF-8 by specification and are decoded so already.
 */

/** music-metadata's tag types whose text it decodes as Latin-1 ('exif' is RIFF INFO). */
const LATIN1_TAG_TYPES = new Set(['exif', 'ID3v1', 'ID3v2.2', 'ID3v2.3', 'ID3v2.4']);

const HIGH = /[\x80-\xff]/;
const BEYOND_LATIN1 = /[^\x00-\xff]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether any of a file's tag types may have handed back UTF-8 bytes decoded as Latin-1. */
export function mayHoldMisreadUtf8(tagTypes: readonly string[]): boolean {
  return tagTypes.some((t) => LATIN1_TAG_TYPES.has(t));
}

/** `s` read again as UTF-8 when its characters, taken as Latin-1 bytes, are valid UTF-8; else `s` as it is. */
export function utf8IfValid(s: string): string {
  if (!HIGH.test(s) || BEYOND_LATIN1.test(s)) return s;
  try {
    return utf8.decode(Buffer.from(s, 'latin1'));
  } catch {
    return s;
  }
}
