import { PlaybackQueue } from './playback-queue';

describe('playback of what our side sends on a bidirectional stream', () => {
  it('reaches a mark once the audio queued before it has played', () => {
    const queue = new PlaybackQueue();
    queue.enqueueAudio(50);
    queue.enqueueMark('first');
    queue.enqueueAudio(30);
    queue.enqueueMark('second');
    expect(queue.advance(20)).toEqual([]);
    expect(queue.advance(20)).toEqual([]);
    // Playback is continuous: the second piece starts within the frame the first one ends in.
    expect(queue.advance(20)).toEqual(['first']);
    expect(queue.advance(20)).toEqual(['second']);
    expect(queue.advance(20)).toEqual([]);
    expect(queue.played).toBe(80);
    expect(queue.queuedMs).toBe(0);
  });

  it('echoes a mark sent with nothing before it at the next frame', () => {
    const queue = new PlaybackQueue();
    queue.enqueueMark('now');
    expect(queue.advance(20)).toEqual(['now']);
  });

  it('clear drops the queued audio and gives back the marks waiting behind it', () => {
    const queue = new PlaybackQueue();
    queue.enqueueAudio(1000);
    queue.enqueueMark('a');
    queue.enqueueAudio(1000);
    queue.enqueueMark('b');
    queue.advance(20);
    expect(queue.clear()).toEqual(['a', 'b']);
    expect(queue.queuedMs).toBe(0);
    expect(queue.advance(20)).toEqual([]);
    expect(queue.played).toBe(20);
  });
});
