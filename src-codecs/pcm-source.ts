/**
 * The decoder interface: a file opened for streaming decode. Every format (WAV here; MP3, FLAC, Ogg Vorbis, Opus
 * and ffmpeg-backed ones beside it) yields interleaved s16le PCM through this one shape, so sessions never know
 * which codec they stream. Memory held by a source must stay bounded by a few seconds of audio.
 */
export interface SourceFormat {
  sampleRate: number;
  channels: number;
  /** Exact length in sample frames, after any encoder delay and padding are removed. */
  totalFrames: number;
  /** Short codec name for listings and logs: "pcm", "mp3", "flac", "vorbis", "opus"... */
  codec: string;
  /** Resolution of the source before conversion to s16 (null for lossy codecs). */
  bitsPerSample: number | null;
}

export interface PcmSource {
  readonly format: SourceFormat;
  /** Positions the source so that the next read starts exactly at sample frame `frame`. */
  seek(frame: number): Promise<void>;
  /**
   * Writes up to `maxFrames` interleaved s16le sample frames into `out` at byte `offset` and returns how many were
   * written; 0 means the end of the track.
   */
  read(out: Uint8Array, offset: number, maxFrames: number): Promise<number>;
  /**
   * Present where the file's bytes are s16le already (a 16-bit PCM WAV): the next up to `maxFrames` frames as views
   * of bytes the process holds anyway (shared file blocks), so a stream sends them without copying. Empty at the end.
   * Answered at once when the bytes are in memory, so a stream need not wait a queue turn for them.
   */
  readonly views?: (maxFrames: number) => Uint8Array[] | Promise<Uint8Array[]>;
  close(): Promise<void>;
}

export interface Decoder {
  readonly codec: string;
  /** True when the first bytes of a file (at least 64 when the file has them) are this decoder's format. */
  sniff(head: Uint8Array): boolean;
  open(path: string): Promise<PcmSource>;
}

export class DecodeError extends Error {
  constructor(
    readonly code: 'unsupported-format' | 'decode-failed',
    message: string,
    /** The file itself is the obstacle, not this decoder's reach: ffmpeg is not asked to try instead. */
    readonly final = false,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}
