import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('forgets an entry once its time is up', () => {
    const cache = new ExpiringCache<string, number>(30_000, 10, clock);
    cache.set('a', 1);
    now += 29_999;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('never holds more than its cap, dropping the oldest first', () => {
    const cache = new ExpiringCache<string, number>(30_000, 2, clock);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    expect(cache.get('c')).toBe(3);
  });

  it('restarts the clock of an entry set again, and keeps nothing with a TTL of zero', () => {
    const cache = new ExpiringCache<string, number>(10, 2, clock);
    cache.set('a', 1);
    now += 8;
    cache.set('a', 2);
    now += 8;
    expect(cache.get('a')).toBe(2);
    const disabled = new ExpiringCache<string, number>(0, 2, clock);
    disabled.set('a', 1);
    expect(disabled.get('a')).toBeUndefined();
  });
});
