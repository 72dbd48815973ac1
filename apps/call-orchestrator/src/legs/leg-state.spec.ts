import { LEG_STATUSES, type LegStatus } from '@callfleet/contracts';
import { canMoveLeg, isLiveLeg, legStatusesBefore } from './leg-state';

describe('canMoveLeg', () => {
  it('walks forward through the hunt: dialing → ringing → ivr → holding → human → transferring → connected', () => {
    const path: LegStatus[] = ['dialing', 'ringing', 'ivr', 'holding', 'human', 'transferring', 'connected'];
    for (let i = 1; i < path.length; i++) expect(canMoveLeg(path[i - 1], path[i])).toBe(true);
  });

  it('skips states that were missed (a lost ringing callback, an empty script, a person at once)', () => {
    expect(canMoveLeg('dialing', 'ivr')).toBe(true);
    expect(canMoveLeg('ringing', 'holding')).toBe(true);
    expect(canMoveLeg('ringing', 'human')).toBe(true);
  });

  it('never moves back: a late ringing or answered callback leaves a holding leg holding', () => {
    expect(canMoveLeg('holding', 'ringing')).toBe(false);
    expect(canMoveLeg('holding', 'ivr')).toBe(false);
    expect(canMoveLeg('ivr', 'dialing')).toBe(false);
    expect(canMoveLeg('human', 'holding')).toBe(false);
  });

  it('treats a repeated state as no move', () => {
    for (const status of LEG_STATUSES) expect(canMoveLeg(status, status)).toBe(false);
  });

  it('ends or fails a leg from every live state, and nothing leaves a final one', () => {
    for (const from of LEG_STATUSES) {
      const live = isLiveLeg(from);
      expect(canMoveLeg(from, 'ended')).toBe(live);
      expect(canMoveLeg(from, 'failed')).toBe(live);
      for (const to of LEG_STATUSES) if (!live) expect(canMoveLeg(from, to)).toBe(false);
    }
  });

  it('hands off only a human leg, and connects only a hand-off', () => {
    expect(legStatusesBefore('transferring')).toEqual(['human']);
    expect(legStatusesBefore('connected')).toEqual(['transferring']);
    expect(canMoveLeg('holding', 'transferring')).toBe(false);
    expect(canMoveLeg('transferring', 'human')).toBe(false);
  });
});
