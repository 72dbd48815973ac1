import type { DetectorOutput } from './detector.types';
import { InMemoryLineMemory } from './in-memory-line-memory';
import { LiveHumanDetector } from './live-human-detector';
import { concat, degrade, frames, melody, silence, sine, syllables } from './test-signals';

function run(samples: Int16Array, lineMemory?: InMemoryLineMemory): DetectorOutput[] {
  const detector = new LiveHumanDetector({ lineMemory });
  const outputs: DetectorOutput[] = [];
  for (const frame of frames(samples)) outputs.push(...detector.pushFrame(frame).map((o) => ({ ...o })));
  outputs.push(...detector.end());
  return outputs;
}

const decision = (outputs: DetectorOutput[]) => outputs.find((o) => o.kind === 'live-human');

describe('LiveHumanDetector scenarios', () => {
  const ivr = syllables(21, 4000, 100);
  const announcement = syllables(22, 3000, 100);

  it('rejects a frame of the wrong size', () => {
    expect(() => new LiveHumanDetector().pushFrame(new Int16Array(100))).toThrow(RangeError);
  });

  it('a person after hold who speaks and waits is decided after the onset, in the pause', () => {
    const onsetMs = 500 + 4000 + 1000 + 8000;
    const call = concat(silence(500), ivr, silence(1000), melody(8000), syllables(31, 2500, 180), silence(3000));
    const found = decision(run(call));
    expect(found?.evidence).toContain('turn-taking-pause');
    expect(found?.atMs).toBeGreaterThan(onsetMs + 2500);
    expect(found?.atMs).toBeLessThan(onsetMs + 2500 + 2000);
  });

  it('a pause filled with the agent’s room (murmur 25 dB down, not silence) is still a pause', () => {
    const onsetMs = 500 + 4000 + 1000 + 8000;
    const call = concat(
      silence(500),
      ivr,
      silence(1000),
      melody(8000),
      syllables(33, 2500, 180),
      syllables(77, 3000, 150, 300),
    );
    const found = decision(run(call));
    expect(found?.evidence).toContain('turn-taking-pause');
    expect(found?.atMs).toBeGreaterThan(onsetMs + 2500);
  });

  it('a replayed announcement is a repeat, and a line’s known recordings never make a decision', () => {
    const memory = new InMemoryLineMemory();
    const hold = (ms: number) => melody(ms);
    const call = concat(
      silence(500),
      ivr,
      silence(1000),
      hold(6000),
      announcement,
      hold(4000),
      degrade(announcement, 0.7, 3, 0),
      hold(3000),
    );
    const first = run(call, memory);
    expect(first.some((o) => o.kind === 'repeat' && o.scope === 'call')).toBe(true);
    expect(decision(first)).toBeUndefined();
    const second = run(degrade(call, 0.5, 9, 0), memory);
    expect(second.some((o) => o.kind === 'repeat' && o.scope === 'line')).toBe(true);
    expect(decision(second)).toBeUndefined();
  });

  it('on a line that knows its IVR, a person after settled hold is decided 0.7 s into their pause', () => {
    const memory = new InMemoryLineMemory();
    const agentAt = 500 + 4000 + 1000 + 8000;
    const call = (agentSeed: number) =>
      concat(silence(500), ivr, silence(1000), melody(8000), syllables(agentSeed, 2500, 180), silence(3000));
    // The first call teaches the line its IVR (and is decided on the plain turn-taking pause).
    const first = decision(run(call(51), memory));
    expect(first?.evidence).not.toContain('novel-speech-on-known-line');
    const second = decision(run(degrade(call(52), 0.6, 5, 0), memory));
    expect(second?.evidence).toContain('novel-speech-on-known-line');
    expect(second?.atMs).toBeGreaterThan(agentAt + 2500);
    expect(second?.atMs).toBeLessThan(agentAt + 2500 + 1300);
  });

  it('on a known line, novel speech as the hold begins, then 1 s of quiet and music, is no person', () => {
    const memory = new InMemoryLineMemory();
    const call = (noticeSeed: number) =>
      concat(
        silence(500),
        ivr,
        silence(1000),
        melody(2500),
        syllables(noticeSeed, 3000, 120),
        silence(1000),
        melody(6000),
      );
    run(call(61), memory);
    expect(decision(run(degrade(call(62), 0.6, 5, 0), memory))).toBeUndefined();
  });

  it('in a stretch of hold the line has heard before, a person is decided while still speaking', () => {
    const memory = new InMemoryLineMemory();
    const hold = (tail: Int16Array) =>
      concat(silence(500), ivr, silence(1000), melody(6000), announcement, melody(4000), tail);
    // The first leg hears the line's hold for 25 s, only recordings: the line learns its menu, announcement and hold.
    expect(decision(run(hold(melody(12_000)), memory))).toBeUndefined();
    expect(memory.heardHoldMs).toBeGreaterThan(20_000);
    const agentAt = 500 + 4000 + 1000 + 6000 + 3000 + 4000;
    const found = decision(run(degrade(hold(concat(syllables(75, 6000, 180), silence(3000))), 0.6, 5, 0), memory));
    expect(found?.evidence).toContain('novel-speech-in-known-hold');
    expect(found?.atMs).toBeGreaterThan(agentAt);
    // Before the 6 s sentence ends (the turn-taking rules would wait for it, then for the pause).
    expect(found?.atMs).toBeLessThan(agentAt + 6000);
  });

  it('past the hold the line has heard, novel speech waits for the turn (a recording not heard yet may play there)', () => {
    const memory = new InMemoryLineMemory();
    const hold = (tail: Int16Array) =>
      concat(silence(500), ivr, silence(1000), melody(6000), announcement, melody(4000), tail);
    run(hold(melody(2_000)), memory);
    const found = decision(
      run(degrade(hold(concat(melody(12_000), syllables(72, 4000, 180), silence(3000))), 0.6, 5, 0), memory),
    );
    expect(found?.evidence).not.toContain('novel-speech-in-known-hold');
    expect(found?.evidence).toContain('turn-taking-pause');
  });

  it('a voicemail greeting with a beep gets no decision', () => {
    expect(decision(run(concat(silence(500), ivr, silence(300), sine(1000, 400), silence(4000))))).toBeUndefined();
  });

  it('is deterministic', () => {
    const call = concat(silence(300), ivr, melody(3000), syllables(40, 2000, 160), silence(2000));
    expect(run(call)).toEqual(run(call));
  });

  it('time moves on over lost frames', () => {
    const detector = new LiveHumanDetector();
    detector.pushFrame(new Int16Array(160));
    detector.pushGap(10);
    expect(detector.atMs).toBe(220);
  });
});

/** Legs of one hunt on one line, heard at once (frame by frame, interleaved), sharing the line's memory. */
function runConcurrently(
  legs: { samples: Int16Array; startsAtMs: number }[],
  lineMemory: InMemoryLineMemory,
): DetectorOutput[][] {
  const detectors = legs.map(() => new LiveHumanDetector({ lineMemory }));
  const legFrames = legs.map((leg) => frames(leg.samples));
  const outputs: DetectorOutput[][] = legs.map(() => []);
  const endMs = Math.max(...legs.map((leg, i) => leg.startsAtMs + legFrames[i].length * 20));
  for (let t = 0; t <= endMs; t += 20) {
    legs.forEach((leg, i) => {
      const k = (t - leg.startsAtMs) / 20;
      if (k < 0 || k > legFrames[i].length) return;
      const out = k === legFrames[i].length ? detectors[i].end() : detectors[i].pushFrame(legFrames[i][k]);
      outputs[i].push(...out.map((o) => ({ ...o })));
    });
  }
  return outputs;
}

describe('LiveHumanDetector on the concurrent legs of a hunt', () => {
  const ivr = syllables(21, 4000, 100);
  const announcement = syllables(22, 3500, 100);
  const holdLoop = (loops: number) => {
    const parts: Int16Array[] = [];
    for (let k = 0; k < loops; k++) parts.push(melody(8000), silence(400), announcement, silence(400));
    return concat(...parts);
  };

  it('an announcement heard first on every leg at once, then music, then again, is no person on any leg; the person after the hold is', () => {
    const memory = new InMemoryLineMemory();
    const personAtMs = 500 + 4000 + 1000 + 3 * (8000 + 400 + 3500 + 400) + 500;
    const leg = (agentSeed: number | null, gain: number) =>
      degrade(
        concat(
          silence(500),
          ivr,
          silence(1000),
          holdLoop(3),
          agentSeed === null ? melody(10_000) : concat(silence(500), syllables(agentSeed, 2500, 180), silence(4000)),
        ),
        gain,
        agentSeed ?? 7,
        0,
      );
    const outputs = runConcurrently(
      [
        { samples: leg(81, 1), startsAtMs: 0 },
        { samples: leg(null, 0.7), startsAtMs: 600 },
        { samples: leg(null, 0.5), startsAtMs: 1300 },
      ],
      memory,
    );
    const [withPerson, ...onHold] = outputs.map(decision);
    for (const d of onHold) expect(d).toBeUndefined();
    expect(withPerson?.atMs).toBeGreaterThan(personAtMs);
    expect(withPerson?.atMs).toBeLessThan(personAtMs + 2500 + 3000);
    // The legs behind recognised the announcement as the line's (or their own) recording.
    expect(outputs[1].some((o) => o.kind === 'repeat')).toBe(true);
  });

  it('an announcement new to the line followed by 1.6 s of silence, heard on legs 0.4–0.9 s apart, is no person on any leg', () => {
    // Alone, one leg takes it for a person (a turn-taking pause after novel speech: see Limits); at once, the legs hear
    // the same audio, which is a recording.
    const notice = syllables(23, 3000, 110);
    const leg = (gain: number) =>
      degrade(concat(silence(500), ivr, silence(1000), melody(8000), notice, silence(1600), melody(8000)), gain, 5, 0);
    expect(decision(run(leg(1), new InMemoryLineMemory()))?.evidence).toContain('turn-taking-pause');
    const outputs = runConcurrently(
      [
        { samples: leg(1), startsAtMs: 0 },
        { samples: leg(0.7), startsAtMs: 400 },
        { samples: leg(0.5), startsAtMs: 900 },
      ],
      new InMemoryLineMemory(),
    );
    for (const out of outputs) expect(decision(out)).toBeUndefined();
  });

  it('audio lost in the middle of an announcement (a stream that dropped frames) is no pause: no person after it', () => {
    const detector = new LiveHumanDetector();
    const out: DetectorOutput[] = [];
    const push = (samples: Int16Array) => {
      for (const frame of frames(samples)) out.push(...detector.pushFrame(frame).map((o) => ({ ...o })));
    };
    push(concat(silence(500), ivr, silence(1000), melody(8000), announcement.subarray(0, 8 * 1500)));
    // The rest of the announcement and the music after it were lost: 5 s of audio the detector never heard.
    out.push(...detector.pushGap(250));
    push(concat(silence(3000), melody(4000)));
    out.push(...detector.end());
    expect(decision(out)).toBeUndefined();
    expect(detector.atMs).toBe(500 + 4000 + 1000 + 8000 + 1500 + 5000 + 3000 + 4000);
  });
});
