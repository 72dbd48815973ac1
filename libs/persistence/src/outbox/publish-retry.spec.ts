import { publishRetryDelay } from './publish-retry';

const backoff = { baseDelayMs: 500, maxDelayMs: 30_000 };
const highest = () => 0.999;

describe('publishRetryDelay', () => {
  it('backs off exponentially after a publish the broker refused for good', () => {
    const refused = new Error('maximum payload exceeded');
    expect(publishRetryDelay(refused, 1, backoff, highest)).toBe(499);
    expect(publishRetryDelay(refused, 4, backoff, highest)).toBe(3_996);
    expect(publishRetryDelay(refused, 20, backoff, highest)).toBe(29_970);
  });

  it('tries again within a second while the stream elects a leader, however often it failed', () => {
    for (const election of [new Error('jetstream is not enabled'), new Error('TIMEOUT')]) {
      expect(publishRetryDelay(election, 1, backoff, highest)).toBe(499);
      expect(publishRetryDelay(election, 20, backoff, highest)).toBe(1_000);
    }
  });

  it('never retries at once, whatever the jitter drew', () => {
    expect(publishRetryDelay(new Error('x'), 3, backoff, () => 0)).toBe(50);
  });
});
