/**
 * ITU-T G.711 μ-law and A-law, bit-exact with the reference C code that ships with the
 * recommendation (and with SoX, which uses the same tables). Decoding is a 256-entry table lookup;
 * encoding is a 65536-entry table lookup, both built once at module load (~66 KB each way) so that
 * a thousand live streams cost one array index per sample.
 */

const SIGN_BIT = 0x80;
const QUANT_MASK = 0x0f;
const SEG_SHIFT = 4;
const SEG_MASK = 0x70;
const MULAW_BIAS = 0x84;
/** Largest 14-bit magnitude μ-law encodes (the rest of the 16-bit range clips to it). */
const MULAW_CLIP = 8159;
const MULAW_SEGMENT_ENDS = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segmentOf(value: number, ends: readonly number[]): number {
  for (let segment = 0; segment < ends.length; segment++) if (value <= ends[segment]) return segment;
  return ends.length;
}

function computeMulawDecode(code: number): number {
  const inverted = ~code & 0xff;
  const magnitude = (((inverted & QUANT_MASK) << 3) + MULAW_BIAS) << ((inverted & SEG_MASK) >> SEG_SHIFT);
  return inverted & SIGN_BIT ? MULAW_BIAS - magnitude : magnitude - MULAW_BIAS;
}

function computeAlawDecode(code: number): number {
  const value = code ^ 0x55;
  let magnitude = (value & QUANT_MASK) << 4;
  const segment = (value & SEG_MASK) >> SEG_SHIFT;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return value & SIGN_BIT ? magnitude : -magnitude;
}

/**
 * G.711's encoder tables are defined on 14-bit (μ-law) and 13-bit (A-law) linear values; a 16-bit
 * sample is rounded to the nearest of those first (as SoX does) rather than truncated, which would
 * bias negative samples by up to a step.
 */
function computeMulawEncode(sample: number): number {
  let value = Math.min(0x1fff, (sample + 2) >> 2);
  let mask = 0xff;
  if (value < 0) {
    value = -value;
    mask = 0x7f;
  }
  if (value > MULAW_CLIP) value = MULAW_CLIP;
  value += MULAW_BIAS >> 2;
  const segment = segmentOf(value, MULAW_SEGMENT_ENDS);
  if (segment >= 8) return 0x7f ^ mask;
  return ((segment << SEG_SHIFT) | ((value >> (segment + 1)) & QUANT_MASK)) ^ mask;
}

function computeAlawEncode(sample: number): number {
  let value = Math.min(0xfff, (sample + 4) >> 3);
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  const segment = segmentOf(value, ALAW_SEGMENT_ENDS);
  if (segment >= 8) return 0x7f ^ mask;
  const quantised = segment < 2 ? (value >> 1) & QUANT_MASK : (value >> segment) & QUANT_MASK;
  return ((segment << SEG_SHIFT) | quantised) ^ mask;
}

const MULAW_TO_PCM = Int16Array.from({ length: 256 }, (_, code) => computeMulawDecode(code));
const ALAW_TO_PCM = Int16Array.from({ length: 256 }, (_, code) => computeAlawDecode(code));
// Indexed by the sample's 16 bits read unsigned (sample & 0xffff).
const PCM_TO_MULAW = Uint8Array.from({ length: 65536 }, (_, bits) => computeMulawEncode((bits << 16) >> 16));
const PCM_TO_ALAW = Uint8Array.from({ length: 65536 }, (_, bits) => computeAlawEncode((bits << 16) >> 16));

/** The linear sample (±32124 at most) a μ-law code stands for. */
export function mulawDecodeSample(code: number): number {
  return MULAW_TO_PCM[code & 0xff];
}

/** The μ-law code of a 16-bit sample; values outside the int16 range are clamped first. */
export function mulawEncodeSample(sample: number): number {
  return PCM_TO_MULAW[clampInt16(sample) & 0xffff];
}

/** The linear sample (±32256 at most) an A-law code stands for. */
export function alawDecodeSample(code: number): number {
  return ALAW_TO_PCM[code & 0xff];
}

/** The A-law code of a 16-bit sample; values outside the int16 range are clamped first. */
export function alawEncodeSample(sample: number): number {
  return PCM_TO_ALAW[clampInt16(sample) & 0xffff];
}

export function decodeMulaw(bytes: Uint8Array): Int16Array {
  const pcm = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) pcm[i] = MULAW_TO_PCM[bytes[i]];
  return pcm;
}

export function encodeMulaw(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) bytes[i] = PCM_TO_MULAW[pcm[i] & 0xffff];
  return bytes;
}

export function decodeAlaw(bytes: Uint8Array): Int16Array {
  const pcm = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) pcm[i] = ALAW_TO_PCM[bytes[i]];
  return pcm;
}

export function encodeAlaw(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) bytes[i] = PCM_TO_ALAW[pcm[i] & 0xffff];
  return bytes;
}

function clampInt16(sample: number): number {
  const whole = Math.round(sample);
  return Math.min(32767, Math.max(-32768, whole));
}
