import { callActionRefusal } from './single-call-actions';
import { callDurationSec, callEndReason } from './single-call-view';

describe('callActionRefusal', () => {
  const single = (status: string) => ({ status, huntId: null });

  it('hangs up any single call not yet over, before or after it is answered', () => {
    for (const status of ['queued', 'initiated', 'ringing', 'answered']) {
      expect(callActionRefusal(single(status), 'hangup')).toBeNull();
    }
  });

  it('sends digits only to an answered call', () => {
    expect(callActionRefusal(single('answered'), 'digits')).toBeNull();
    for (const status of ['queued', 'initiated', 'ringing']) {
      expect(callActionRefusal(single(status), 'digits')).toMatch(/not answered/);
    }
  });

  it('refuses both on a call that is over', () => {
    for (const status of ['completed', 'busy', 'no-answer', 'failed', 'canceled']) {
      expect(callActionRefusal(single(status), 'hangup')).toMatch(/over/);
      expect(callActionRefusal(single(status), 'digits')).toMatch(/over/);
    }
  });

  it("leaves a hunt leg's call to its hunt", () => {
    expect(callActionRefusal({ status: 'answered', huntId: 'h1' }, 'hangup')).toMatch(/hunt/);
    expect(callActionRefusal({ status: 'answered', huntId: 'h1' }, 'digits')).toMatch(/hunt/);
  });
});

describe('call duration and end reason', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

  it('counts seconds from answer to end, only for an answered call that ended', () => {
    expect(callDurationSec(at(5), at(47))).toBe(42);
    expect(callDurationSec(null, at(47))).toBeNull();
    expect(callDurationSec(at(5), null)).toBeNull();
  });

  it('says why a call ended: what we noted, else its final status; nothing while it lasts', () => {
    expect(callEndReason({ status: 'completed', endReason: 'hung-up', endedAt: at(9) })).toBe('hung-up');
    expect(callEndReason({ status: 'busy', endReason: null, endedAt: at(9) })).toBe('busy');
    expect(callEndReason({ status: 'answered', endReason: null, endedAt: null })).toBeNull();
    // A hang-up asked for is noted at once, but the call ends when the provider says so.
    expect(callEndReason({ status: 'answered', endReason: 'hung-up', endedAt: null })).toBeNull();
  });
});
