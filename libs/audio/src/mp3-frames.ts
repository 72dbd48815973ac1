/**
 * Splits an MP3 stream into its frames. The fixtures are encoded without a bit reservoir, so each
 * frame decodes on its own and frames can be repeated and spliced into a recording of any length.
 */

// Bitrates (kbit/s) by index for layer III: MPEG-1, and MPEG-2 / 2.5.
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

export interface Mp3FrameHeader {
  /** 1 = MPEG-1, 2 = MPEG-2, 2.5 = MPEG-2.5. */
  version: 1 | 2 | 2.5;
  bitrateKbps: number;
  sampleRate: number;
  /** Bytes in the whole frame, header included. */
  frameLength: number;
  samplesPerFrame: number;
}

export class Mp3FormatError extends Error {}

/** Reads the 4-byte header of a layer III frame at `offset`, or undefined when there is none. */
export function readFrameHeader(bytes: Buffer, offset: number): Mp3FrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1];
  const b2 = bytes[offset + 2];
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 0x03;
  const layerBits = (b1 >> 1) & 0x03;
  if (versionBits === 1 || layerBits !== 1) return undefined;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const bitrateKbps = (version === 1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex];
  const sampleRate = SAMPLE_RATES[versionBits][rateIndex];
  const padding = (b2 >> 1) & 0x01;
  const samplesPerFrame = version === 1 ? 1152 : 576;
  const frameLength = Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + padding;
  return { version, bitrateKbps, sampleRate, frameLength, samplesPerFrame };
}

/** Bytes needed to tell whether an ID3v2 tag is in front, and how long it is. */
export const ID3V2_HEADER_BYTES = 10;

/** Length of the ID3v2 tag at the start of `prefix` (header included), 0 when there is none. */
export function id3v2TagLength(prefix: Buffer): number {
  if (prefix.length < ID3V2_HEADER_BYTES || prefix.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((prefix[6] & 0x7f) << 21) | ((prefix[7] & 0x7f) << 14) | ((prefix[8] & 0x7f) << 7) | (prefix[9] & 0x7f);
  // Bit 4 of the flags: a 10-byte footer follows the tag.
  return ID3V2_HEADER_BYTES + size + (prefix[5] & 0x10 ? 10 : 0);
}

/** The frames of an MP3 file (an ID3v2 tag in front is skipped). */
export function splitFrames(file: Buffer): { header: Mp3FrameHeader; frames: Buffer[] } {
  let offset = id3v2TagLength(file);
  const frames: Buffer[] = [];
  let first: Mp3FrameHeader | undefined;
  while (offset < file.length) {
    const header = readFrameHeader(file, offset);
    if (!header || offset + header.frameLength > file.length) {
      throw new Mp3FormatError(`no complete MP3 frame at byte ${offset}`);
    }
    first ??= header;
    frames.push(file.subarray(offset, offset + header.frameLength));
    offset += header.frameLength;
  }
  if (!first) throw new Mp3FormatError('no MP3 frames');
  return { header: first, frames };
}
