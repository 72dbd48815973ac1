import { isNoLeaderError, isTransientJetStreamError, retryTransient } from './transient-errors';

describe('isTransientJetStreamError', () => {
  it.each([
    'timeout',
    'TIMEOUT',
    'jetstream is not enabled',
    'JetStream system temporarily unavailable',
    '503',
    'no responders available for request',
  ])('takes "%s" for an election in progress', (message) => {
    expect(isTransientJetStreamError(new Error(message))).toBe(true);
  });

  it.each(['stream not found', 'subjects overlap with an existing stream', 'insufficient resources'])(
    'takes "%s" for an answer that a retry would not change',
    (message) => {
      expect(isTransientJetStreamError(new Error(message))).toBe(false);
    },
  );
});

describe('isNoLeaderError', () => {
  it('takes the immediate answers of an election for one, not a timeout (the store may be gone)', () => {
    expect(isNoLeaderError(new Error('jetstream is not enabled'))).toBe(true);
    expect(isNoLeaderError(new Error('rate limit store timed out after 1000 ms'))).toBe(false);
    expect(isNoLeaderError(new Error('TIMEOUT'))).toBe(false);
  });
});

describe('retryTransient', () => {
  it('retries transient failures until the call succeeds, telling of each retry', async () => {
    let calls = 0;
    const retries: [string, number, number][] = [];
    const result = await retryTransient(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('timeout');
        return 'done';
      },
      { stepMs: 1, onRetry: (error, attempt, delayMs) => retries.push([String(error), attempt, delayMs]) },
    );
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
    expect(retries).toEqual([
      ['Error: timeout', 1, 1],
      ['Error: timeout', 2, 2],
    ]);
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    const failing = retryTransient(
      async () => {
        calls += 1;
        throw new Error('jetstream is not enabled');
      },
      { attempts: 4, stepMs: 1 },
    );
    await expect(failing).rejects.toThrow('jetstream is not enabled');
    expect(calls).toBe(4);
  });

  it('does not retry an error a retry cannot mend', async () => {
    let calls = 0;
    const failing = retryTransient(async () => {
      calls += 1;
      throw new Error('stream name already in use with a different configuration');
    });
    await expect(failing).rejects.toThrow('already in use');
    expect(calls).toBe(1);
  });
});
