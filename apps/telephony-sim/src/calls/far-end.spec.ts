import { findFixturesDir, loadClips } from '../recordings/audio-clips';
import { CallRuntime } from './call-runtime';
import { runFarEndAfterScript, runFarEndScript } from './far-end';
import { planScenario, type ScenarioName } from './scenarios';
import type { SimCall } from './sim-call';

const clips = loadClips(findFixturesDir());

/** A real call runtime on a clock fast enough that a 20 s hold takes a fraction of a millisecond. */
function answeredCall(scenario: ScenarioName, timeScale = 100_000): CallRuntime {
  const plan = planScenario(scenario, 'spec', '+15550000001', 0, { holdSeconds: { min: 20, max: 20 } });
  const call: SimCall = {
    sid: 'CA00000000000000000000000000000001',
    accountSid: 'AC0123',
    flavour: 'twilio',
    from: '+15005550006',
    to: '+15550000001',
    direction: 'outbound-api',
    status: 'in-progress',
    scenario,
    scenarioSource: 'number',
    plan,
    attempt: 0,
    timeScale,
    ringTimeoutSeconds: 60,
    record: false,
    createdAt: new Date().toISOString(),
    answeredAt: new Date().toISOString(),
    farEndPhase: 'ringing',
    streams: [],
    mediaStreams: [],
    digitsReceived: [],
    bridge: null,
    dials: [],
    heard: [],
    providerBaseUrl: 'http://sim',
    history: [],
  };
  return new CallRuntime(call, clips, () => undefined);
}

const phasesOf = (rt: CallRuntime) => rt.call.history.flatMap((h) => (h.type === 'far-end' ? [h.phase] : []));

describe('the far end script and the digits it hears', () => {
  it('repeats the IVR menu three times without a choice, then hangs up', async () => {
    const rt = answeredCall('ivr-hold-agent');
    await expect(runFarEndScript(rt)).resolves.toBe('no menu choice made');
    expect(phasesOf(rt)).toEqual(['ivr-menu', 'ivr-menu', 'ivr-menu']);
  });

  it('ignores a key that is no choice, moves on to hold at a 1 or 2, then the agent comes on', async () => {
    // 1000x: the menu and its wait take ~13 ms, long enough to press a key during the second one.
    const rt = answeredCall('ivr-hold-agent', 1000);
    const script = runFarEndScript(rt);
    rt.sendDigits('9');
    while (phasesOf(rt).length < 2) await new Promise((resolve) => setImmediate(resolve));
    rt.sendDigits('2');
    await expect(script).resolves.toBe('live speaker hung up');
    expect(phasesOf(rt)).toEqual(['ivr-menu', 'ivr-menu', 'hold', 'live-agent']);
    expect(rt.call.digitsReceived).toEqual(['9', '2']);
  });

  it('a digit pressed before the menu is heard still counts', async () => {
    const rt = answeredCall('ivr-hold-agent');
    rt.sendDigits('1');
    await expect(runFarEndScript(rt)).resolves.toBe('live speaker hung up');
    expect(phasesOf(rt)).toEqual(['ivr-menu', 'hold', 'live-agent']);
  });

  it.each([
    ['hold-forever', ['hold'], 'nobody answered the queue'],
    ['agent-after-announcement', ['welcome-announcement', 'live-agent'], 'live speaker hung up'],
    ['too-busy', ['announcement'], 'too busy, call back later'],
    ['voicemail', ['voicemail-greeting', 'voicemail-recording'], 'voicemail message too long'],
  ] as const)('%s plays %j', async (scenario, phases, reason) => {
    const rt = answeredCall(scenario);
    await expect(runFarEndScript(rt)).resolves.toBe(reason);
    expect(phasesOf(rt)).toEqual(phases);
  });
});

describe('the far end during a hand-off', () => {
  const destination = { kind: 'number' as const, value: '+15550001100' };

  it('a person stops their own patience when a dial rings, waits, and talks once bridged', async () => {
    const rt = answeredCall('human', 1000);
    rt.setDialRinging(true);
    // The person comes on while the dial rings: they hold on for it rather than wait for a word from us.
    await expect(runFarEndScript(rt)).rejects.toThrow();
    expect(rt.call.farEndPhase).toBe('waiting');
    const after = runFarEndAfterScript(rt);
    rt.bridge(destination, 'CA1');
    await expect(after).resolves.toBe('bridged conversation ended');
    expect(phasesOf(rt)).toEqual(['live-agent', 'waiting', 'bridged']);
    expect(rt.call.bridge).toMatchObject({ target: destination, dialCallSid: 'CA1' });
  });

  it('waits again when the destination hangs up, and gives up only when the transfer patience runs out', async () => {
    const rt = answeredCall('human');
    rt.setDialRinging(true);
    await expect(runFarEndScript(rt)).rejects.toThrow();
    rt.setDialRinging(false);
    rt.bridge(destination, 'CA2');
    rt.unbridge('destination hung up');
    await expect(runFarEndAfterScript(rt)).resolves.toBe('gave up waiting to be connected');
    expect(rt.call.bridge).toBeNull();
    expect(phasesOf(rt)).toEqual(['live-agent', 'waiting', 'bridged', 'waiting']);
  });

  it('a recording (the IVR menu) plays on while a dial rings', () => {
    const rt = answeredCall('ivr-hold-agent');
    rt.phase('ivr-menu');
    rt.setDialRinging(true);
    expect(rt.call.farEndPhase).toBe('ivr-menu');
  });
});
