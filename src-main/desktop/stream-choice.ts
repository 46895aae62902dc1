/**
 * The desktop's choice of encoding per stream: the listener's quality setting, and for Auto the link estimate
 * that every stream's DATA feeds. A new stream gets what fits now; a playing one is stepped down (handed over to
 * a cheaper encoding at the frame its data reached) as soon as a sample of the link says it no longer fits. It is
 * never stepped up mid-track: a link that recovers shows at the next track, so one lucky second cannot flap it.
 */
import type { StreamQuality } from '../../src-shared/ipc/contract.js';
import type { AtpClient } from '../atp-client/client.js';
import { chooseEncoding, LinkEstimate, losslessKbps, type StreamChoice } from './link-estimate.js';
import type { PlaybackSession } from './playback-session.js';
import { openChosenStream, type OpenedStream } from './stream-link.js';

/** Until a stream's format is known, a track is taken to be CD audio. */
const CD_KBPS = 1411.2;

/** kbit/s a choice costs, for comparing; lossless counts as more than any Opus step. */
function cost(choice: StreamChoice): number {
  return choice.encoding === 'opus' ? choice.bitrate ?? 0 : Infinity;
}

export function sameTravel(a: StreamChoice, b: StreamChoice): boolean {
  return cost(a) === cost(b);
}

export class StreamChooser {
  /** The lossless bitrate of the last stream opened: the next track's is most likely the same. */
  private lossless = CD_KBPS;
  private readonly handingOver = new Set<PlaybackSession>();

  constructor(
    private readonly quality: () => StreamQuality,
    /** What a lossless choice travels as. */
    private readonly losslessEncoding: 'pcm' | 'original',
    /** A sample of the link was taken: the caller checks whether what plays still fits. */
    private readonly onSample: () => void,
    readonly link = new LinkEstimate(),
  ) {}

  /** What a stream opened now would travel as. */
  choice(): StreamChoice {
    return chooseEncoding(this.quality(), this.lossless, this.link.estimateKbps);
  }

  async open(client: AtpClient, trackId: string, window: number, choice = this.choice()): Promise<OpenedStream> {
    const opened = await openChosenStream(client, trackId, choice, {
      window, lossless: this.losslessEncoding, link: this.link, onSample: this.onSample,
    });
    this.lossless = losslessKbps(opened.stream.format);
    return opened;
  }

  /**
   * Hands `session` over to what fits now when that differs: for Auto only when it is cheaper (a step down), for
   * a fixed setting whenever the setting says otherwise (the listener changed it). True when it was handed over.
   */
  async refit(session: PlaybackSession, client: AtpClient, window: number, stepDownOnly: boolean): Promise<boolean> {
    if (this.handingOver.has(session)) return false;
    const wanted = chooseEncoding(this.quality(), losslessKbps(session.format), this.link.estimateKbps);
    if (sameTravel(wanted, session.choice)) return false;
    if (stepDownOnly && cost(wanted) >= cost(session.choice)) return false;
    this.handingOver.add(session);
    try {
      return await session.handOver(() => this.open(client, session.trackId, window, wanted));
    } finally {
      this.handingOver.delete(session);
    }
  }
}
