import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alawDecodeSample,
  alawEncodeSample,
  decodeAlaw,
  decodeMulaw,
  encodeAlaw,
  encodeMulaw,
  mulawDecodeSample,
  mulawEncodeSample,
} from './g711';
import { pcm16FromLittleEndian } from './pcm16';

const fixtures = join(__dirname, '..', 'test', 'fixtures');
const allCodes = Uint8Array.from({ length: 256 }, (_, code) => code);
const allSamples = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const soxOnPath = spawnSync('sox', ['--version']).status === 0;

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixtures, name)));
}

describe('G.711 against the SoX tables checked in under test/fixtures', () => {
  it('decodes all 256 μ-law codes as SoX does', () => {
    expect(Array.from(decodeMulaw(allCodes))).toEqual(Array.from(pcm16FromLittleEndian(fixture('g711-mulaw-sox.s16'))));
  });

  it('decodes all 256 A-law codes as SoX does', () => {
    expect(Array.from(decodeAlaw(allCodes))).toEqual(Array.from(pcm16FromLittleEndian(fixture('g711-alaw-sox.s16'))));
  });

  it('encodes every 16-bit sample as SoX does', () => {
    expect(Buffer.from(encodeMulaw(allSamples)).equals(fixture('g711-mulaw-encode-sox.u8'))).toBe(true);
    expect(Buffer.from(encodeAlaw(allSamples)).equals(fixture('g711-alaw-encode-sox.u8'))).toBe(true);
  });
});

(soxOnPath ? describe : describe.skip)('G.711 against a live sox run (skipped: sox is not on PATH)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'g711-'));
    writeFileSync(join(dir, 'codes.raw'), allCodes);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['ul', decodeMulaw],
    ['al', decodeAlaw],
  ])('decodes all 256 codes of -t %s as this machine`s sox does', (type, decode) => {
    const out = join(dir, `${type}.s16`);
    execFileSync('sox', [
      '-t',
      type,
      '-r',
      '8000',
      '-c',
      '1',
      join(dir, 'codes.raw'),
      '-t',
      's16',
      '-e',
      'signed',
      '-L',
      out,
    ]);
    expect(Array.from(decode(allCodes))).toEqual(Array.from(pcm16FromLittleEndian(new Uint8Array(readFileSync(out)))));
  });
});

/** At a segment edge the decision value sits half the wider segment's step from its first level. */
function widestStepAround(levels: number[], below: number): number {
  const gap = (i: number) => (i >= 0 && i + 1 < levels.length ? levels[i + 1] - levels[i] : 0);
  return Math.max(gap(below - 1), gap(below), gap(below + 1));
}

describe('G.711 properties', () => {
  it('keeps the ITU ranges: μ-law ±32124, A-law ±32256', () => {
    expect(Math.max(...decodeMulaw(allCodes))).toBe(32124);
    expect(Math.min(...decodeMulaw(allCodes))).toBe(-32124);
    expect(Math.max(...decodeAlaw(allCodes))).toBe(32256);
    expect(Math.min(...decodeAlaw(allCodes))).toBe(-32256);
    expect(mulawDecodeSample(0xff)).toBe(0);
    expect(mulawDecodeSample(0x7f)).toBe(0);
    expect(alawDecodeSample(0xd5)).toBe(8);
  });

  it('re-encodes every decoded code to itself (μ-law negative zero becomes positive zero)', () => {
    for (let code = 0; code < 256; code++) {
      expect(alawEncodeSample(alawDecodeSample(code))).toBe(code);
      expect(mulawEncodeSample(mulawDecodeSample(code))).toBe(code === 0x7f ? 0xff : code);
    }
  });

  it.each([
    ['μ-law', mulawEncodeSample, mulawDecodeSample, 2],
    ['A-law', alawEncodeSample, alawDecodeSample, 4],
  ] as const)(
    '%s encodes every sample within half a step of its level (plus the rounding to 14/13 bits)',
    (_, encode, decode, rounding) => {
      const levels = [...new Set(Array.from(allCodes, decode))].sort((x, y) => x - y);
      const lowest = levels[0];
      const highest = levels[levels.length - 1];
      const tooFar: number[] = [];
      const notIdempotent: number[] = [];
      let below = 0; // levels[below] <= sample < levels[below + 1] inside the range
      for (const sample of allSamples) {
        while (below < levels.length - 2 && levels[below + 1] <= sample) below++;
        const allowed =
          sample <= lowest
            ? lowest - sample
            : sample >= highest
              ? sample - highest
              : widestStepAround(levels, below) / 2;
        const decoded = decode(encode(sample));
        if (Math.abs(decoded - sample) > allowed + rounding) tooFar.push(sample);
        // Encoding what was decoded gives the same level back: re-encoding a G.711 stream is lossless.
        if (decode(encode(decoded)) !== decoded) notIdempotent.push(sample);
      }
      expect(tooFar).toEqual([]);
      expect(notIdempotent).toEqual([]);
    },
  );

  it('clamps out-of-range and fractional input instead of wrapping', () => {
    expect(mulawEncodeSample(100_000)).toBe(mulawEncodeSample(32767));
    expect(alawEncodeSample(-100_000)).toBe(alawEncodeSample(-32768));
    expect(mulawEncodeSample(1000.4)).toBe(mulawEncodeSample(1000));
  });
});
