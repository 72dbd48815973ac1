import type { MediaSignal } from '@callfleet/contracts';
import { MetricsService } from '@callfleet/platform';
import { FakeMediaSession, loudVoiceLike, silence } from '../../test/fake-media-session';
import type { LineMemoryLease } from '../line-memory/line-memory.store';
import { SharedLineMemory } from '../line-memory/shared-line-memory';
import { DetectionMetrics } from './detection.metrics';
import { LINE_MEMORY_HOLD_MAX_FRAMES, SessionDetection } from './session-detection';

function lease(): LineMemoryLease & { load(): void; released: number } {
  let load: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => {
    load = resolve;
  });
  const result = {
    memory: new SharedLineMemory(),
    loaded,
    released: 0,
    load: () => load(),
    release: async () => {
      result.released++;
    },
  };
  return result;
}

function run(withLease?: LineMemoryLease) {
  const session = new FakeMediaSession({ orgId: 'org', callId: 'call-1', line: withLease ? 'line-1' : undefined });
  const signals: MediaSignal[] = [];
  const decisions: MediaSignal[] = [];
  const metrics = new DetectionMetrics(new MetricsService('media-stream'));
  new SessionDetection(
    session,
    withLease,
    { signal: (s) => signals.push(s), decision: (_s, d) => decisions.push(d) },
    metrics,
  ).start();
  return { session, signals, decisions, metrics };
}

const audio = () => [...silence(20), ...loudVoiceLike(20), ...silence(5)];
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SessionDetection', () => {
  it('holds a stream’s events until its line’s memory is loaded, then gives the same signals in order', async () => {
    const direct = run();
    direct.session.frames(...audio());
    direct.session.dtmf('7');

    const memory = lease();
    const held = run(memory);
    held.session.frames(...audio());
    held.session.dtmf('7');
    await flush();
    expect(held.signals.map((s) => s.kind)).toEqual(['stream-started']);

    memory.load();
    await flush();
    expect(held.signals).toEqual(direct.signals);
    expect(held.signals.at(-1)).toMatchObject({ kind: 'dtmf', digit: '7' });
  });

  it('stops holding after a second of audio, so a slow KV never stalls a stream for long', async () => {
    const memory = lease();
    const held = run(memory);
    // The bound counts what waits: frames, gaps and digits alike.
    held.session.frames(...silence(LINE_MEMORY_HOLD_MAX_FRAMES - 2));
    held.session.dtmf('1');
    await flush();
    expect(held.signals.some((s) => s.kind === 'dtmf')).toBe(false);
    held.session.frames(...silence(1));
    expect(held.signals.some((s) => s.kind === 'dtmf')).toBe(true);
  });

  it('ends with the detector’s last outputs, then stream-stopped, and lets the line go once', async () => {
    const memory = lease();
    const held = run(memory);
    held.session.frames(...silence(3));
    held.session.end('idle-timeout');
    held.session.end('idle-timeout');
    expect(held.signals.at(-1)).toEqual({
      callId: 'call-1',
      atMs: 60,
      kind: 'stream-stopped',
      provider: 'twilio',
      reason: 'idle-timeout',
    });
    expect(held.signals.filter((s) => s.kind === 'stream-stopped')).toHaveLength(1);
    expect(memory.released).toBe(1);
  });
});
