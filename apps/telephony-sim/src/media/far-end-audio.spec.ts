import { FarEndAudio, FRAME_SAMPLES, type StreamClipName, type StreamClips } from './far-end-audio';

/** Each clip is a constant level, so a frame tells which clip (and which stretch of silence) it came from. */
const LEVELS: Record<StreamClipName, number> = {
  'ivr-menu': 1000,
  'hold-music': 2000,
  'hold-announcement': 3000,
  'live-agent': 4000,
  'agent-hello': 5000,
  'too-busy': 6000,
  'voicemail-greeting': 7000,
};

function clip(name: StreamClipName, seconds: number, leadingSilenceSeconds = 0): Int16Array {
  const out = new Int16Array(Math.round(seconds * 8000)).fill(LEVELS[name]);
  out.fill(0, 0, Math.round(leadingSilenceSeconds * 8000));
  return out;
}

const clips: StreamClips = {
  'ivr-menu': clip('ivr-menu', 1),
  'hold-music': clip('hold-music', 0.5),
  'hold-announcement': clip('hold-announcement', 1),
  'live-agent': clip('live-agent', 2, 0.25),
  'agent-hello': clip('agent-hello', 0.5),
  'too-busy': clip('too-busy', 1),
  'voicemail-greeting': clip('voicemail-greeting', 1),
};

const timing = { holdMusicSeconds: 2, agentTurnGapSeconds: 1, pickupGapSeconds: 0.2 };

/** The level of each frame over `seconds` of a phase: what a listener would hear, 50 frames a second. */
function listen(audio: FarEndAudio, phase: Parameters<FarEndAudio['frame']>[0], serial: number, seconds: number) {
  return Array.from({ length: seconds * 50 }, () => {
    const frame = audio.frame(phase, serial);
    expect(frame).toHaveLength(FRAME_SAMPLES);
    return frame[FRAME_SAMPLES - 1];
  });
}

const runs = (levels: number[]) =>
  levels.reduce<[number, number][]>((out, level) => {
    const last = out[out.length - 1];
    if (last && last[0] === level) last[1]++;
    else out.push([level, 1]);
    return out;
  }, []);

describe('the far end audio of a stream', () => {
  it('plays the IVR menu then waits in silence, and starts the menu again when the IVR repeats it', () => {
    const audio = new FarEndAudio(clips, timing);
    expect(runs(listen(audio, 'ivr-menu', 1, 2))).toEqual([
      [1000, 50],
      [0, 50],
    ]);
    expect(runs(listen(audio, 'ivr-menu', 2, 1))).toEqual([[1000, 50]]);
    expect(audio.positionMs).toBe(3000);
    expect(audio.liveHumanAtMs).toBeNull();
  });

  it('holds with music and the same announcement after every stretch of music, for as long as the hold lasts', () => {
    const audio = new FarEndAudio(clips, timing);
    // 2 s music, 0.4 s silence, 1 s announcement, 0.4 s silence: a 3.8 s cycle.
    expect(runs(listen(audio, 'hold', 1, 8))).toEqual([
      [2000, 100],
      [0, 20],
      [3000, 50],
      [0, 20],
      [2000, 100],
      [0, 20],
      [3000, 50],
      [0, 20],
      [2000, 20],
    ]);
    expect(audio.liveHumanAtMs).toBeNull();
  });

  it('labels the live agent at the audio ms where their speech starts, takes a turn, and never repeats', () => {
    const audio = new FarEndAudio(clips, timing);
    listen(audio, 'ivr-menu', 1, 1);
    listen(audio, 'hold', 2, 3);
    expect(audio.liveHumanAtMs).toBeNull();
    const agent = listen(audio, 'live-agent', 3, 6);
    // The pickup's 0.2 s and the agent clip's 0.25 s of leading silence are not speech yet.
    expect(audio.liveHumanAtMs).toBe(4000 + 200 + 250);
    expect(runs(agent)).toEqual([
      [0, 22],
      [4000, 88],
      [0, 50],
      [5000, 25],
      [0, 115],
    ]);
  });

  it('keeps the first onset when a later phase change brings the agent back', () => {
    const audio = new FarEndAudio(clips, timing);
    listen(audio, 'live-agent', 1, 1);
    listen(audio, 'hold', 2, 1);
    listen(audio, 'live-agent', 3, 1);
    expect(audio.liveHumanAtMs).toBe(450);
  });

  it('has no human in the recorded-only phases: too-busy, voicemail, silence', () => {
    const audio = new FarEndAudio(clips, timing);
    expect(runs(listen(audio, 'announcement', 1, 2))).toEqual([
      [6000, 50],
      [0, 50],
    ]);
    expect(runs(listen(audio, 'voicemail-greeting', 2, 1))).toEqual([[7000, 50]]);
    expect(runs(listen(audio, 'voicemail-recording', 3, 1))).toEqual([[0, 50]]);
    expect(audio.liveHumanAtMs).toBeNull();
  });

  it('is deterministic: the same phases at the same frames give the same samples', () => {
    const play = () => {
      const audio = new FarEndAudio(clips, timing);
      return [...listen(audio, 'ivr-menu', 1, 1), ...listen(audio, 'hold', 2, 5), ...listen(audio, 'live-agent', 3, 2)];
    };
    expect(play()).toEqual(play());
  });
});
