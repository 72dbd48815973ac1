/** Reading and writing the simple WAV files the simulator serves: PCM, little-endian, 44-byte header. */

export interface PcmAudio {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** The raw sample bytes (the `data` chunk). */
  data: Buffer;
}

export class WavFormatError extends Error {}

/** Finds the `fmt ` and `data` chunks of a RIFF/WAVE file; only uncompressed PCM is accepted. */
export function parseWav(file: Buffer): PcmAudio {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE file');
  }
  let format: Omit<PcmAudio, 'data'> | undefined;
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (body + size > file.length) throw new WavFormatError(`chunk ${id} runs past the end of the file`);
    if (id === 'fmt ') {
      if (file.readUInt16LE(body) !== 1) throw new WavFormatError('only PCM WAV is supported');
      format = {
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        bitsPerSample: file.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new WavFormatError('data chunk before fmt chunk');
      return { ...format, data: file.subarray(body, body + size) };
    }
    offset = body + size + (size % 2);
  }
  throw new WavFormatError('no data chunk');
}

/** A canonical 44-byte-header WAV file around PCM data. */
export function buildWav(audio: PcmAudio): Buffer {
  const blockAlign = (audio.channels * audio.bitsPerSample) / 8;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + audio.data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(audio.channels, 22);
  header.writeUInt32LE(audio.sampleRate, 24);
  header.writeUInt32LE(audio.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(audio.bitsPerSample, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(audio.data.length, 40);
  return Buffer.concat([header, audio.data]);
}
