/** Reading and writing RIFF/WAVE files: the header alone (streams) or whole PCM files (the simulator). */

export interface PcmAudio {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** The raw sample bytes (the `data` chunk). */
  data: Buffer;
}

/** What the header of a WAV file says, read from its first bytes. */
export interface WavHeader {
  /** 1 = PCM, 3 = float, 6 = A-law, 7 = µ-law, 0xfffe = extensible. */
  formatTag: number;
  channels: number;
  sampleRate: number;
  /** Bytes of audio per second, as the `fmt ` chunk declares (what the duration is computed from). */
  byteRate: number;
  bitsPerSample: number;
  /** For WAVE_FORMAT_EXTENSIBLE (0xfffe): the format tag inside its SubFormat GUID, else undefined. */
  subFormatTag?: number;
  /** Offset of the first sample byte (just after the `data` chunk's size). */
  dataOffset: number;
  /** The `data` chunk's declared size; 0 or 0xffffffff when a streaming writer never filled it in. */
  dataBytes: number;
}

export class WavFormatError extends Error {}

export const WAVE_FORMAT_PCM = 1;
export const WAVE_FORMAT_ALAW = 6;
export const WAVE_FORMAT_MULAW = 7;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** The canonical header is 44 bytes; providers add LIST/fact chunks, never this much before `data`. */
export const MAX_WAV_HEADER_BYTES = 64 * 1024;

export function isRiffWave(prefix: Buffer): boolean {
  return prefix.length >= 12 && prefix.toString('ascii', 0, 4) === 'RIFF' && prefix.toString('ascii', 8, 12) === 'WAVE';
}

/**
 * Reads the chunks of a WAV file up to the start of its `data` chunk. Returns undefined while
 * `prefix` is too short to tell (a stream reads on), throws when it is not a WAV file.
 */
export function readWavHeader(prefix: Buffer): WavHeader | undefined {
  if (prefix.length < 12) return undefined;
  if (!isRiffWave(prefix)) throw new WavFormatError('not a RIFF/WAVE file');
  let format: Omit<WavHeader, 'dataOffset' | 'dataBytes'> | undefined;
  let offset = 12;
  while (offset + 8 <= prefix.length) {
    const id = prefix.toString('ascii', offset, offset + 4);
    const size = prefix.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'data') {
      if (!format) throw new WavFormatError('data chunk before fmt chunk');
      return { ...format, dataOffset: body, dataBytes: size };
    }
    if (body + size > prefix.length) break;
    if (id === 'fmt ') {
      if (size < 16) throw new WavFormatError('fmt chunk too short');
      format = {
        formatTag: prefix.readUInt16LE(body),
        channels: prefix.readUInt16LE(body + 2),
        sampleRate: prefix.readUInt32LE(body + 4),
        byteRate: prefix.readUInt32LE(body + 8),
        bitsPerSample: prefix.readUInt16LE(body + 14),
      };
      // The SubFormat GUID starts with the plain format tag (KSDATAFORMAT_SUBTYPE_PCM is 1-0000-0010-...).
      if (format.formatTag === WAVE_FORMAT_EXTENSIBLE && size >= 40)
        format.subFormatTag = prefix.readUInt16LE(body + 24);
      if (!format.channels || !format.sampleRate || !format.byteRate) throw new WavFormatError('fmt chunk has zeros');
    }
    offset = body + size + (size % 2);
  }
  if (prefix.length >= MAX_WAV_HEADER_BYTES)
    throw new WavFormatError(`no data chunk in the first ${MAX_WAV_HEADER_BYTES} bytes`);
  return undefined;
}

/** A whole WAV file's PCM audio; only uncompressed PCM is accepted. */
export function parseWav(file: Buffer): PcmAudio {
  const header = readWavHeader(file);
  if (!header) throw new WavFormatError(isRiffWave(file) ? 'no data chunk' : 'not a RIFF/WAVE file');
  if (header.formatTag !== 1) throw new WavFormatError('only PCM WAV is supported');
  if (header.dataOffset + header.dataBytes > file.length)
    throw new WavFormatError('data chunk runs past the end of the file');
  const { sampleRate, channels, bitsPerSample } = header;
  return {
    sampleRate,
    channels,
    bitsPerSample,
    data: file.subarray(header.dataOffset, header.dataOffset + header.dataBytes),
  };
}

/** The canonical 44-byte header of a PCM WAV file whose data chunk holds `dataBytes` bytes. */
export function wavHeader(format: Omit<PcmAudio, 'data'>, dataBytes: number): Buffer {
  const blockAlign = (format.channels * format.bitsPerSample) / 8;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(format.bitsPerSample, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** A canonical 44-byte-header WAV file around PCM data. */
export function buildWav(audio: PcmAudio): Buffer {
  return Buffer.concat([wavHeader(audio, audio.data.length), audio.data]);
}
