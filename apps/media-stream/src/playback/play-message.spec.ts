import { MediaHeaders } from '@callfleet/contracts';
import { MAX_PLAY_BYTES, parsePlayMessage } from './play-message';

const headers =
  (values: Record<string, string> = {}) =>
  (name: string) =>
    values[name];

describe('parsePlayMessage', () => {
  it('reads the payload as PCM16 little-endian', () => {
    const result = parsePlayMessage(headers(), new Uint8Array([0x01, 0x00, 0xff, 0x7f, 0x00, 0x80, 0xff, 0xff]));
    expect(result.kind).toBe('play');
    expect(result.kind === 'play' && [...result.pcm]).toEqual([1, 32767, -32768, -1]);
  });

  it('reads a payload that does not start at an even offset of its buffer', () => {
    const buffer = new Uint8Array([9, 0x02, 0x00, 0x03, 0x00]);
    const result = parsePlayMessage(headers(), buffer.subarray(1));
    expect(result.kind === 'play' && [...result.pcm]).toEqual([2, 3]);
  });

  it('takes clear and mark from Media-Action, whatever the payload', () => {
    expect(parsePlayMessage(headers({ [MediaHeaders.PLAY_ACTION]: 'Clear' }), new Uint8Array([1]))).toEqual({
      kind: 'clear',
    });
    expect(
      parsePlayMessage(
        headers({ [MediaHeaders.PLAY_ACTION]: 'mark', [MediaHeaders.MARK_NAME]: 'm-1' }),
        new Uint8Array(),
      ),
    ).toEqual({ kind: 'mark', name: 'm-1' });
  });

  it.each([
    ['odd-length', headers(), new Uint8Array(3)],
    ['too-big', headers(), new Uint8Array(MAX_PLAY_BYTES + 2)],
    ['empty', headers(), new Uint8Array()],
    ['unknown-action', headers({ [MediaHeaders.PLAY_ACTION]: 'rewind' }), new Uint8Array(2)],
    ['bad-mark', headers({ [MediaHeaders.PLAY_ACTION]: 'mark' }), new Uint8Array()],
    ['bad-mark', headers({ [MediaHeaders.PLAY_ACTION]: 'mark', [MediaHeaders.MARK_NAME]: 'a b' }), new Uint8Array()],
  ])('drops %s', (reason, header, data) => {
    expect(parsePlayMessage(header, data)).toEqual({ kind: 'invalid', reason });
  });
});
