import { createHash } from 'node:crypto';

/** A repeatable random source: the same key gives the same sequence on every run (mulberry32). */
export class SeededRandom {
  private state: number;

  constructor(...key: (string | number)[]) {
    this.state = createHash('sha256').update(key.join('\u0000')).digest().readUInt32LE(0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max]. */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
}
