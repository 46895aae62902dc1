/**
 * libopus's encoder (opusscript's WebAssembly build, no native addon: it bundles into the single-file server and
 * runs under any Node). One instance of the module serves every encoder of the process; each stream's encoder is a
 * handler in it, freed when the stream closes. Input is 20 ms of interleaved s16 at 48 kHz; output one packet.
 */
import createModule, { type OpusNativeModule, type OpusScriptHandler } from 'opusscript/build/opusscript_native_wasm.js';
import { OPUS_PACKET_GRANULES, OPUS_RATE } from '../../src-shared/protocol/opus-timeline.js';

const APPLICATION_AUDIO = 2049;
const SET_BITRATE = 4002;
const SET_COMPLEXITY = 4010;
const GET_LOOKAHEAD = 4027;
const MAX_PACKET = 1275 * 3;

let shared: OpusNativeModule | null = null;
function native(): OpusNativeModule {
  shared ??= createModule({});
  return shared;
}

export class OpusEncoder {
  private readonly module = native();
  private handler: OpusScriptHandler;
  private readonly input: number;
  private readonly output: number;
  private readonly scratch: number;
  private readonly inputBytes: number;

  constructor(
    readonly channels: number,
    private readonly bitrate: number,
  ) {
    if (channels < 1 || channels > 2) throw new Error(`an Opus encoder takes 1 or 2 channels, not ${channels}`);
    this.inputBytes = OPUS_PACKET_GRANULES * channels * 2;
    // The wrapper's convention: each byte of s16le input sits in a 16-bit cell, and the handler joins them.
    this.input = this.module._malloc(this.inputBytes * 2);
    this.output = this.module._malloc(MAX_PACKET);
    this.scratch = this.module._malloc(4);
    this.handler = this.create();
  }

  /** Samples of delay the encoder adds (its lookahead): the stream's pre-skip. */
  get lookahead(): number {
    const status = this.handler._encoder_ctl(GET_LOOKAHEAD, this.scratch);
    if (status < 0) throw new Error(`opus: reading the lookahead failed (${status})`);
    return this.module.HEAP32[this.scratch >> 2]!;
  }

  /** Starts as new: what follows is encoded as if nothing came before it. */
  reset(): void {
    this.module.OpusScriptHandler.destroy_handler(this.handler);
    this.handler = this.create();
  }

  /** Encodes 960 frames of interleaved s16 (48 kHz) into one packet, a copy the caller keeps. */
  encode(pcm: Int16Array): Uint8Array {
    const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, this.inputBytes);
    this.module.HEAPU16.set(bytes, this.input);
    const length = this.handler._encode(this.input * 2, this.inputBytes, this.output, OPUS_PACKET_GRANULES);
    if (length < 0) throw new Error(`opus: encoding failed (${length})`);
    return this.module.HEAPU8.slice(this.output, this.output + length);
  }

  free(): void {
    this.module.OpusScriptHandler.destroy_handler(this.handler);
    this.module._free(this.input);
    this.module._free(this.output);
    this.module._free(this.scratch);
  }

  private create(): OpusScriptHandler {
    const handler = new this.module.OpusScriptHandler(OPUS_RATE, this.channels, APPLICATION_AUDIO);
    for (const [ctl, value] of [
      [SET_BITRATE, this.bitrate * 1000],
      [SET_COMPLEXITY, 8],
    ] as const) {
      const status = handler._encoder_ctl(ctl, value);
      if (status < 0) throw new Error(`opus: encoder setting ${ctl} refused (${status})`);
    }
    return handler;
  }
}
