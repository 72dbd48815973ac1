import type { IvrStep } from '@callfleet/contracts';
import { AMD_HUMAN_CONFIDENCE, decideHuman, type HumanDecisionContext, type HumanSignal } from './human-decision';

const holding: HumanDecisionContext = {
  huntStatus: 'running',
  winnerLegId: null,
  legId: 'leg-1',
  legStatus: 'holding',
  callLive: true,
  mode: 'auto',
  minConfidence: 0.8,
  script: [{ action: 'digits', digits: '1', afterMs: 0 }],
  ivrStep: 1,
};
const media = (confidence: number): HumanSignal => ({ decidedBy: 'media', confidence });
const amd: HumanSignal = { decidedBy: 'amd', confidence: AMD_HUMAN_CONFIDENCE };
const manual: HumanSignal = { decidedBy: 'manual', confidence: 1 };

describe('decideHuman', () => {
  it("claims a holding leg when media-stream's confidence reaches the hunt's minimum", () => {
    expect(decideHuman(media(0.8), holding)).toEqual({ act: 'claim' });
    expect(decideHuman(media(0.95), holding)).toEqual({ act: 'claim' });
    expect(decideHuman(media(0.79), holding)).toEqual({ act: 'ignore', why: 'below-confidence' });
    expect(decideHuman(media(0.5), { ...holding, minConfidence: 0.4 })).toEqual({ act: 'claim' });
  });

  it('only alerts in confirm mode, but a manual confirmation claims in any mode', () => {
    const confirm = { ...holding, mode: 'confirm' as const };
    expect(decideHuman(media(0.9), confirm)).toEqual({ act: 'alert' });
    expect(decideHuman(media(0.1), confirm)).toEqual({ act: 'ignore', why: 'below-confidence' });
    expect(decideHuman(manual, confirm)).toEqual({ act: 'claim' });
    // A person's word needs no confidence.
    expect(decideHuman({ decidedBy: 'manual', confidence: 0 }, { ...holding, minConfidence: 1 })).toEqual({
      act: 'claim',
    });
  });

  it('decides nothing more once the hunt has a winner (lost) or is over', () => {
    expect(decideHuman(media(1), { ...holding, huntStatus: 'transferring', winnerLegId: 'leg-2' })).toEqual({
      act: 'lost',
    });
    expect(decideHuman(manual, { ...holding, huntStatus: 'transferring', winnerLegId: 'leg-2' })).toEqual({
      act: 'lost',
    });
    expect(decideHuman(media(1), { ...holding, huntStatus: 'transferring', winnerLegId: 'leg-1' })).toEqual({
      act: 'ignore',
      why: 'already-won',
    });
    for (const huntStatus of ['cancelled', 'exhausted', 'failed'] as const) {
      expect(decideHuman(manual, { ...holding, huntStatus })).toEqual({ act: 'ignore', why: 'hunt-not-running' });
    }
  });

  it('needs a live call on an answered leg: an ended leg or a call over is ignored', () => {
    expect(decideHuman(manual, { ...holding, callLive: false })).toEqual({ act: 'ignore', why: 'leg-not-live' });
    for (const legStatus of ['ended', 'failed', 'dialing', 'ringing'] as const) {
      expect(decideHuman(manual, { ...holding, legStatus })).toEqual({ act: 'ignore', why: 'leg-not-live' });
      expect(decideHuman(media(1), { ...holding, legStatus })).toEqual({ act: 'ignore', why: 'leg-not-live' });
    }
  });

  it('takes media in the menu only once no digits are left to press; a person may confirm there at any step', () => {
    const script: IvrStep[] = [
      { action: 'digits', digits: '1', afterMs: 0 },
      { action: 'wait', ms: 45_000 },
      { action: 'digits', digits: '2', afterMs: 0 },
      { action: 'expect', kind: 'speech', timeoutMs: 30_000 },
    ];
    const inMenu = { ...holding, legStatus: 'ivr' as const, script };
    expect(decideHuman(media(0.9), { ...inMenu, ivrStep: 1 })).toEqual({ act: 'ignore', why: 'menu-not-done' });
    expect(decideHuman(media(0.9), { ...inMenu, ivrStep: 2 })).toEqual({ act: 'ignore', why: 'menu-not-done' });
    expect(decideHuman(media(0.9), { ...inMenu, ivrStep: 3 })).toEqual({ act: 'claim' });
    expect(decideHuman(manual, { ...inMenu, ivrStep: 0 })).toEqual({ act: 'claim' });
  });

  it("takes AMD's human only for a target that answers directly (no script), even before the answered callback", () => {
    const direct = { ...holding, script: [], ivrStep: 0 };
    expect(decideHuman(amd, direct)).toEqual({ act: 'claim' });
    expect(decideHuman(amd, { ...direct, legStatus: 'ringing' })).toEqual({ act: 'claim' });
    expect(decideHuman(amd, { ...direct, legStatus: 'dialing' })).toEqual({ act: 'claim' });
    expect(decideHuman(amd, holding)).toEqual({ act: 'ignore', why: 'not-answered-directly' });
    expect(decideHuman(amd, { ...direct, minConfidence: 0.9 })).toEqual({ act: 'ignore', why: 'below-confidence' });
    expect(decideHuman(amd, { ...direct, mode: 'confirm' })).toEqual({ act: 'alert' });
  });
});
