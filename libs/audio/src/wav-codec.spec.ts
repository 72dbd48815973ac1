import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMulaw } from './g711';
import { pcm16FromLittleEndian, pcm16ToLittleEndian } from './pcm16';
import { decodeWav, encodeWav } from './wav-codec';
import { WavFormatError, wavHeader } from './wav-format';

const fixtures = join(__dirname, '..', 'test', 'fixtures');
const read = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));
const soxOnPath = spawnSync('sox', ['--version']).status === 0;
const ramp = Int16Array.from({ length: 801 }, (_, i) => ((i * 97) % 65536) - 32768);

/** A WAVE_FORMAT_EXTENSIBLE header (fmt chunk of 40 bytes) around `data`. */
function extensibleWav(subFormat: number, bitsPerSample: number, data: Uint8Array): Buffer {
  const header = Buffer.alloc(68);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(60 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(40, 16);
  header.writeUInt16LE(0xfffe, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE((8000 * bitsPerSample) / 8, 28);
  header.writeUInt16LE(bitsPerSample / 8, 32);
  header.writeUInt16LE(bitsPerSample, 34);
  header.writeUInt16LE(22, 36);
  header.writeUInt16LE(bitsPerSample, 38);
  header.writeUInt32LE(4, 40); // channel mask: front centre
  header.writeUInt16LE(subFormat, 44);
  Buffer.from('000000001000800000aa00389b71', 'hex').copy(header, 46);
  header.write('data', 60, 'ascii');
  header.writeUInt32LE(data.length, 64);
  return Buffer.concat([header, data]);
}

describe('decodeWav', () => {
  it.each([
    ['mulaw', 'sox-tone-mulaw'],
    ['alaw', 'sox-tone-alaw'],
    ['pcm16', 'sox-tone-pcm16'],
  ])('reads the %s file SoX wrote to the samples SoX decodes it to', (encoding, name) => {
    const decoded = decodeWav(read(`${name}.wav`));
    expect(decoded).toMatchObject({ sampleRate: 8000, channels: 1, encoding });
    expect(Array.from(decoded.samples)).toEqual(Array.from(pcm16FromLittleEndian(read(`${name}.s16`))));
  });

  it('reads WAVE_FORMAT_EXTENSIBLE with a PCM or μ-law sub-format', () => {
    expect(decodeWav(extensibleWav(1, 16, pcm16ToLittleEndian(ramp)))).toEqual({
      sampleRate: 8000,
      channels: 1,
      encoding: 'pcm16',
      samples: ramp,
    });
    expect(decodeWav(extensibleWav(7, 8, Uint8Array.of(0x00, 0xff, 0x80))).samples).toEqual(
      Int16Array.of(-32124, 0, 32124),
    );
  });

  it('reads a file whose data size a streaming writer left unset, up to the last whole sample', () => {
    const file = Buffer.concat([
      wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, 0),
      Buffer.from([1, 0, 2, 0, 3]),
    ]);
    expect(decodeWav(file).samples).toEqual(Int16Array.of(1, 2));
  });

  it('refuses what it cannot decode with a WavFormatError that says what the file is', () => {
    const float = Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 32 }, 4), Buffer.alloc(4)]);
    float.writeUInt16LE(3, 20);
    expect(() => decodeWav(float)).toThrow(
      new WavFormatError('unsupported WAV encoding: format 3, 32 bits (16-bit PCM, 8-bit μ-law or A-law only)'),
    );
    const pcm8 = Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 8 }, 2), Buffer.alloc(2)]);
    expect(() => decodeWav(pcm8)).toThrow(/format 1, 8 bits/);
    expect(() => decodeWav(extensibleWav(3, 32, new Uint8Array(8)))).toThrow(/EXTENSIBLE with sub-format 3/);
    expect(() => decodeWav(new TextEncoder().encode('<html>not found</html>'))).toThrow(WavFormatError);
    const truncated = encodeWav({ sampleRate: 8000, encoding: 'pcm16', samples: ramp }).subarray(0, 100);
    expect(() => decodeWav(truncated)).toThrow(/declares 1602 bytes, the file holds 56/);
  });
});

describe('encodeWav', () => {
  it('round-trips PCM16 exactly and μ-law to the G.711 levels', () => {
    expect(decodeWav(encodeWav({ sampleRate: 8000, encoding: 'pcm16', samples: ramp }))).toEqual({
      sampleRate: 8000,
      channels: 1,
      encoding: 'pcm16',
      samples: ramp,
    });
    const mulaw = decodeWav(encodeWav({ sampleRate: 8000, encoding: 'mulaw', samples: ramp }));
    expect(mulaw).toMatchObject({ sampleRate: 8000, channels: 1, encoding: 'mulaw' });
    expect(encodeMulaw(mulaw.samples)).toEqual(encodeMulaw(ramp));
  });

  it('writes a μ-law file byte for byte as SoX lays one out (format 7, fmt of 18 bytes, fact chunk)', () => {
    const sox = read('sox-tone-mulaw.wav');
    const ours = encodeWav({ sampleRate: 8000, encoding: 'mulaw', samples: decodeWav(sox).samples });
    expect(Buffer.from(ours).equals(Buffer.from(sox))).toBe(true);
  });
});

(soxOnPath ? describe : describe.skip)('encodeWav read back by a live sox (skipped: sox is not on PATH)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wav-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['pcm16', 'mulaw'] as const)('sox decodes our %s file to the samples we encoded', (encoding) => {
    const file = join(dir, `${encoding}.wav`);
    writeFileSync(file, encodeWav({ sampleRate: 8000, encoding, samples: ramp }));
    const decoded = execFileSync('sox', [file, '-t', 's16', '-e', 'signed', '-L', '-']);
    expect(Array.from(pcm16FromLittleEndian(new Uint8Array(decoded)))).toEqual(
      Array.from(decodeWav(readFileSync(file)).samples),
    );
  });
});

describe('PCM16 little-endian', () => {
  it('reads and writes sign and byte order, copying the bytes', () => {
    const bytes = Uint8Array.of(0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f);
    const pcm = pcm16FromLittleEndian(bytes);
    expect(pcm).toEqual(Int16Array.of(1, -1, -32768, 32767));
    bytes[0] = 9;
    expect(pcm[0]).toBe(1);
    expect(pcm16ToLittleEndian(pcm)).toEqual(Uint8Array.of(0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f));
  });

  it('refuses an odd number of bytes', () => {
    expect(() => pcm16FromLittleEndian(new Uint8Array(3))).toThrow(RangeError);
  });

  it('reads a view at an odd offset into a larger buffer', () => {
    const backing = Uint8Array.of(9, 0x02, 0x01);
    expect(pcm16FromLittleEndian(backing.subarray(1))).toEqual(Int16Array.of(0x0102));
  });
});
