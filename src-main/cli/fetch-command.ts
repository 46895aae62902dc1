import { unlinkSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AtpError, type Encoding, type TrackInfo } from '../../src-shared/protocol/index.js';
import type { AtpClient } from '../atp-client/client.js';
import { fetchTrack, wavHeader, type FetchResult } from '../atp-client/fetch-track.js';
import { CliError, EXIT, UsageError, describeFailure } from './failures.js';
import { formatTime } from './format-time.js';

export interface FetchCommand {
  /** A track id, or words that match exactly one track. */
  track: string;
  /** Where the WAV goes, absolute. */
  outPath: string;
  /** The path as the user wrote it, for messages. */
  outName: string;
  fromMs?: number;
  checksum: boolean;
  /** `original`: the server sends the file's own frames and they are decoded here; the WAV is the same. */
  encoding: Encoding;
  /** For `opus`: kbit/s. */
  bitrate?: number;
  /** host:port, for messages. */
  address: string;
}

/** The track the words name; `info` is null when nothing matched them and they are tried as an id. */
async function resolveTrack(client: AtpClient, words: string): Promise<{ id: string; info: TrackInfo | null }> {
  const found = await client.list({ query: words, limit: 2 });
  if (found.total === 1) return { id: found.tracks[0]!.id, info: found.tracks[0]! };
  if (found.total > 1) throw new UsageError(`"${words}" matches ${found.total} tracks; name one by its id (atp list --query ...)`);
  return { id: words, info: null };
}

/**
 * A file that becomes `path` only when complete: the bytes go to a hidden file beside it, renamed over `path` at the
 * end (an atomic step on one file system), and removed on failure or interruption, so a failed fetch leaves no
 * empty or partial WAV behind and keeps any file that was there before.
 */
class PendingFile {
  private constructor(
    readonly tempPath: string,
    readonly handle: FileHandle,
    private readonly onSignal: (signal: NodeJS.Signals) => void,
  ) {}

  static async create(path: string, name: string): Promise<PendingFile> {
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    // Listening before the file exists: an interruption at any moment after it appears removes it.
    const onSignal = (signal: NodeJS.Signals) => {
      try {
        unlinkSync(tempPath);
      } catch {
        // Not created yet, or already gone.
      }
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let handle: FileHandle;
    try {
      // No live process shares this pid, so a file of this name is left from a killed run and may be overwritten.
      handle = await open(tempPath, 'w');
    } catch (err) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'the folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'no permission to write in its folder' : (err as Error).message;
      throw new CliError(`cannot write ${name}: ${why}`);
    }
    return new PendingFile(tempPath, handle, onSignal);
  }

  async commit(path: string): Promise<void> {
    await this.handle.close();
    await rename(this.tempPath, path);
    this.forgetSignals();
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => {});
    await unlink(this.tempPath).catch(() => {});
    this.forgetSignals();
  }

  private forgetSignals(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
  }
}

/** Why a fetch failed, in the words of the command the user typed. */
function fetchFailure(err: Error, cmd: FetchCommand, resolved: { id: string; info: TrackInfo | null } | null, client: AtpClient): CliError {
  const notWritten = `nothing was written to ${cmd.outName}`;
  if (err instanceof CliError) return new CliError(`${err.message}; ${notWritten}`, err.exitCode);
  if (err instanceof AtpError && err.code === 'unknown-track' && resolved && resolved.info === null) {
    return new CliError(`no track matches "${cmd.track}": no title, artist or album holds these words, and no track has this id (atp list shows the library); ${notWritten}`);
  }
  if (!(err instanceof AtpError) && !client.isOpen) {
    return new CliError(`the connection to ${cmd.address} was lost before the end of the track (${err.message}); ${notWritten}`);
  }
  return new CliError(`${describeFailure(err)}; ${notWritten}`);
}

/** `atp fetch`: the track as a WAV file, written whole or not at all. Resolves to the exit code. */
export async function runFetch(client: AtpClient, cmd: FetchCommand): Promise<number> {
  const file = await PendingFile.create(cmd.outPath, cmd.outName);
  let resolved: { id: string; info: TrackInfo | null } | null = null;
  let result: FetchResult;
  try {
    resolved = await resolveTrack(client, cmd.track);
    await file.handle.write(new Uint8Array(44)); // the header is written once the length is known
    result = await fetchTrack(client, resolved.id, {
      fromMs: cmd.fromMs,
      checksum: cmd.checksum,
      encoding: cmd.encoding,
      bitrate: cmd.bitrate,
      write: async (pcm) => {
        await file.handle.write(pcm);
      },
    });
    const { format, frames, startFrame } = result;
    if (frames === 0 && cmd.fromMs !== undefined && startFrame >= format.totalFrames) {
      const name = resolved.info?.title ?? `track ${resolved.id}`;
      throw new CliError(`--from ${cmd.fromMs} ms is past the end of ${name} (${formatTime(format.durationMs)})`);
    }
    await file.handle.write(wavHeader(format, frames), 0, 44, 0);
    await file.commit(cmd.outPath);
  } catch (err) {
    await file.discard();
    throw fetchFailure(err as Error, cmd, resolved, client);
  }
  const { format, frames, startFrame, end } = result;
  process.stderr.write(`wrote ${frames} frames (${format.sampleRate} Hz, ${format.channels} ch) from frame ${startFrame} to ${cmd.outName}\n`);
  if (end.reason !== undefined || end.totalFrames < format.totalFrames) {
    // The file holds what the server had; keep it, but a script must not take it for the whole track.
    const why = end.reason ?? `the stream stopped at frame ${end.totalFrames} of the ${format.totalFrames} announced`;
    process.stderr.write(`atp: warning: the track ended early: ${why}\n  ${cmd.outName} holds only the ${frames} frames the server could send\n`);
    return EXIT.endedEarly;
  }
  return EXIT.ok;
}
