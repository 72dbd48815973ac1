import {
  MediaStreamCloseCode,
  type MediaStreamInput,
  type MediaStreamState,
  nextMediaStreamState,
} from './media-session-state';

/** Runs inputs from a fresh socket; returns the final state and every action taken. */
function run(...types: MediaStreamInput['type'][]) {
  let state: MediaStreamState = 'awaiting-start';
  const actions = [];
  for (const type of types) {
    const next = nextMediaStreamState(state, { type } as MediaStreamInput);
    state = next.state;
    actions.push(next.action);
  }
  return { state, actions, last: actions[actions.length - 1] };
}

describe('nextMediaStreamState', () => {
  it('streams only after start and an accepted token, holding media that arrives while verifying', () => {
    const { state, actions } = run('start', 'media', 'token-accepted', 'media', 'event');
    expect(state).toBe('streaming');
    expect(actions.map((a) => a.kind)).toEqual(['verify', 'hold', 'open', 'deliver', 'deliver']);
  });

  it('drops media and events before start, and a second start', () => {
    expect(run('media').last).toEqual({ kind: 'drop', reason: 'before-start' });
    expect(run('event').last).toEqual({ kind: 'drop', reason: 'before-start' });
    expect(run('start', 'start').last).toEqual({ kind: 'drop', reason: 'duplicate-start' });
    expect(run('start', 'token-accepted', 'start').last).toEqual({ kind: 'drop', reason: 'duplicate-start' });
  });

  it('closes with 1008 and opens no session for a refused token or no start in time', () => {
    for (const refusal of [run('start', 'token-refused'), run('start-timeout')]) {
      expect(refusal.state).toBe('ended');
      expect(refusal.last).toEqual({
        kind: 'end',
        close: { code: MediaStreamCloseCode.POLICY_VIOLATION, reason: expect.any(String) },
      });
    }
  });

  it('closes with 1013 over a stream limit and 1003 for an unknown format, without a session', () => {
    expect(run('start', 'over-limit').last).toMatchObject({ kind: 'end', close: { code: 1013 } });
    expect(run('start', 'unsupported-format').last).toMatchObject({ kind: 'end', close: { code: 1003 } });
    expect(run('start', 'over-limit').last).not.toHaveProperty('reason');
    expect(run('start', 'token-unverifiable').last).toMatchObject({ kind: 'end', close: { code: 1013 } });
  });

  it('does not time out a stream already verifying or streaming', () => {
    expect(run('start', 'start-timeout')).toMatchObject({ state: 'verifying', last: { kind: 'none' } });
    expect(run('start', 'token-accepted', 'start-timeout')).toMatchObject({
      state: 'streaming',
      last: { kind: 'none' },
    });
  });

  it.each([
    ['stop', 'stop', 1000],
    ['idle-timeout', 'idle-timeout', 4000],
    ['too-many-bad-frames', 'error', 1007],
    ['replaced', 'replaced', 4001],
    ['shutdown', 'shutdown', 1001],
    ['internal-error', 'error', 1011],
  ] as const)('ends a streaming session on %s with reason %s and close code %d', (input, reason, code) => {
    const { state, last } = run('start', 'token-accepted', input);
    expect(state).toBe('ended');
    expect(last).toEqual({ kind: 'end', reason, close: { code, reason: expect.any(String) } });
  });

  it('ends a session whose socket the provider closed without closing it again', () => {
    expect(run('start', 'token-accepted', 'socket-closed').last).toEqual({ kind: 'end', reason: 'closed' });
    expect(run('socket-closed').last).toEqual({ kind: 'end' });
  });

  it('closes a socket that ends before streaming without a session reason', () => {
    expect(run('stop').last).toEqual({ kind: 'end', close: { code: 1000, reason: expect.any(String) } });
    expect(run('start', 'shutdown').last).toEqual({ kind: 'end', close: { code: 1001, reason: expect.any(String) } });
  });

  it('holds a stop that arrives while the token is verified, for after the session opens', () => {
    expect(run('start', 'stop')).toMatchObject({ state: 'verifying', last: { kind: 'hold' } });
    expect(run('start', 'stop', 'token-accepted', 'stop')).toMatchObject({
      state: 'ended',
      last: { kind: 'end', reason: 'stop' },
    });
  });

  it('ignores everything once ended, dropping late media', () => {
    const ended = run('start', 'token-accepted', 'stop');
    for (const type of ['stop', 'socket-closed', 'shutdown', 'token-accepted', 'start'] as const) {
      expect(nextMediaStreamState(ended.state, { type })).toEqual({ state: 'ended', action: { kind: 'none' } });
    }
    expect(nextMediaStreamState('ended', { type: 'media' })).toEqual({
      state: 'ended',
      action: { kind: 'drop', reason: 'after-end' },
    });
  });

  it('accepts a late token verdict only while verifying', () => {
    expect(run('token-accepted')).toMatchObject({ state: 'awaiting-start', last: { kind: 'none' } });
    expect(run('start', 'socket-closed', 'token-accepted')).toMatchObject({ state: 'ended', last: { kind: 'none' } });
  });
});
