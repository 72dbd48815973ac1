import { MEDIA_SAMPLE_RATE, MediaHeaders } from '@callfleet/contracts';

/** The most audio one `media.v1.play.<callId>` message may carry: 10 s of PCM16 at 8 kHz. */
export const MAX_PLAY_BYTES = 10 * MEDIA_SAMPLE_RATE * 2;

export type PlayInstruction =
  | { kind: 'play'; pcm: Int16Array }
  | { kind: 'clear' }
  | { kind: 'mark'; name: string }
  | { kind: 'invalid'; reason: 'odd-length' | 'too-big' | 'empty' | 'unknown-action' | 'bad-mark' };

/** Mark names go back to the provider and into its echo: short, printable. */
const MARK_NAME = /^[\x21-\x7e]{1,64}$/;

/** What a play message asks for, from its `Media-Action` header and its payload (PCM16 LE 8 kHz). */
export function parsePlayMessage(header: (name: string) => string | undefined, data: Uint8Array): PlayInstruction {
  const action = header(MediaHeaders.PLAY_ACTION)?.trim().toLowerCase() ?? '';
  if (action === 'clear') return { kind: 'clear' };
  if (action === 'mark') {
    const name = header(MediaHeaders.MARK_NAME) ?? '';
    return MARK_NAME.test(name) ? { kind: 'mark', name } : { kind: 'invalid', reason: 'bad-mark' };
  }
  if (action !== '' && action !== 'play') return { kind: 'invalid', reason: 'unknown-action' };
  if (data.length === 0) return { kind: 'invalid', reason: 'empty' };
  if (data.length > MAX_PLAY_BYTES) return { kind: 'invalid', reason: 'too-big' };
  if (data.length % 2 !== 0) return { kind: 'invalid', reason: 'odd-length' };
  const pcm = new Int16Array(data.length / 2);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(i * 2, true);
  return { kind: 'play', pcm };
}
