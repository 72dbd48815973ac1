/** 16-bit signed little-endian PCM (Exotel's media payload, WAV's data chunk) to and from samples. */

export function pcm16FromLittleEndian(bytes: Uint8Array): Int16Array {
  if (bytes.length % 2 !== 0) {
    throw new RangeError(`PCM16 needs an even number of bytes, got ${bytes.length}`);
  }
  const pcm = new Int16Array(bytes.length / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = ((bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16) >> 16;
  return pcm;
}

export function pcm16ToLittleEndian(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) {
    bytes[2 * i] = pcm[i] & 0xff;
    bytes[2 * i + 1] = (pcm[i] >> 8) & 0xff;
  }
  return bytes;
}
