import { FRAME_SAMPLES, SAMPLE_RATE } from './frame-features';

/** Deterministic test audio (no Math.random: a seeded generator), in 160-sample frames. */
export function sine(hz: number, ms: number, amplitude = 8000, phase = 0): Int16Array {
  const n = Math.round((ms * SAMPLE_RATE) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin(phase + (2 * Math.PI * hz * i) / SAMPLE_RATE));
  return out;
}

export function seededNoise(seed: number, ms: number, amplitude: number): Int16Array {
  const n = Math.round((ms * SAMPLE_RATE) / 1000);
  const out = new Int16Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = Math.round((((x >>> 0) / 0xffffffff) * 2 - 1) * amplitude);
  }
  return out;
}

/**
 * Speech-like audio: voiced syllables (a gliding pitch with harmonics and formant-like weighting) at ~4 per second
 * with short gaps, shaped by `seed` so two seeds say "different words".
 */
export function syllables(seed: number, ms: number, pitchHz = 110, amplitude = 6000): Int16Array {
  const n = Math.round((ms * SAMPLE_RATE) / 1000);
  const out = new Int16Array(n);
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0xffffffff;
  };
  let i = 0;
  while (i < n) {
    const length = Math.round(SAMPLE_RATE * (0.14 + 0.12 * next()));
    const gap = Math.round(SAMPLE_RATE * (0.04 + 0.08 * next()));
    const formant = 400 + 1800 * next();
    const glide = 0.8 + 0.4 * next();
    let phase = 0;
    for (let k = 0; k < length && i < n; k++, i++) {
      const f0 = pitchHz * (1 + (glide - 1) * (k / length));
      phase += (2 * Math.PI * f0) / SAMPLE_RATE;
      let v = 0;
      for (let h = 1; h * f0 < 3400; h++) v += Math.sin(h * phase) / (1 + ((h * f0 - formant) / 300) ** 2);
      out[i] = Math.round(amplitude * 0.3 * v * Math.sin((Math.PI * k) / length));
    }
    i += gap;
  }
  return out;
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round((ms * SAMPLE_RATE) / 1000));
}

/** Hold music: a looped melody of two-sine chords. */
export function melody(ms: number, amplitude = 5000): Int16Array {
  const notes = [262, 330, 392, 330, 294, 349];
  const parts: Int16Array[] = [];
  for (let t = 0, k = 0; t < ms; t += 500, k++) {
    const a = sine(notes[k % notes.length], 500, amplitude);
    const b = sine(notes[k % notes.length] * 1.5, 500, amplitude / 2);
    for (let i = 0; i < a.length; i++) a[i] += b[i];
    parts.push(a);
  }
  return concat(...parts).subarray(0, Math.round((ms * SAMPLE_RATE) / 1000));
}

export function frames(samples: Int16Array): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i + FRAME_SAMPLES <= samples.length; i += FRAME_SAMPLES)
    out.push(samples.slice(i, i + FRAME_SAMPLES));
  return out;
}

/** A level change (gain) and coarse quantization, as a telephone chain does. */
export function degrade(samples: Int16Array, gain: number, noiseSeed: number, noiseAmplitude: number): Int16Array {
  const noise = seededNoise(noiseSeed, (samples.length * 1000) / SAMPLE_RATE, noiseAmplitude);
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i] * gain + noise[i]);
    out[i] = Math.max(-32768, Math.min(32767, v & ~0x1f));
  }
  return out;
}
