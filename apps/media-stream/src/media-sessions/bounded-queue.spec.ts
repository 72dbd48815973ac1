import { BoundedQueue } from './bounded-queue';

describe('BoundedQueue', () => {
  it('hands items out in order', () => {
    const queue = new BoundedQueue<number>(3);
    queue.push(1);
    queue.push(2);
    expect(queue.shift()).toBe(1);
    queue.push(3);
    queue.push(4);
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual([2, 3, 4, undefined]);
    expect(queue.length).toBe(0);
  });

  it('drops the oldest item to take a new one when full, and says which', () => {
    const queue = new BoundedQueue<number>(2);
    expect(queue.push(1)).toBeUndefined();
    expect(queue.push(2)).toBeUndefined();
    expect(queue.push(3)).toBe(1);
    expect(queue.push(4)).toBe(2);
    expect(queue.length).toBe(2);
    expect([queue.shift(), queue.shift()]).toEqual([3, 4]);
  });

  it('never holds more than its capacity, however much is pushed', () => {
    const queue = new BoundedQueue<number>(100);
    let dropped = 0;
    for (let i = 0; i < 10_000; i++) if (queue.push(i) !== undefined) dropped += 1;
    expect(queue.length).toBe(100);
    expect(dropped).toBe(9_900);
    expect(queue.shift()).toBe(9_900);
  });

  it('empties on clear and refuses a capacity below one', () => {
    const queue = new BoundedQueue<string>(2);
    queue.push('a');
    queue.clear();
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
