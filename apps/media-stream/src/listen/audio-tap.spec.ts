import { pcm16leBytes } from './audio-tap';

describe('pcm16leBytes', () => {
  it('writes each sample little-endian, into a buffer of its own', () => {
    const frame = Int16Array.from([1, -1, 32767, -32768]);
    const bytes = pcm16leBytes(frame);
    expect([...bytes]).toEqual([0x01, 0x00, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x80]);
    frame[0] = 5;
    expect(bytes[0]).toBe(1);
  });
});
