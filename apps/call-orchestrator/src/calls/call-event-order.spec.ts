import { callEventApplies } from './call-event-order';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

describe('callEventApplies', () => {
  const ringing = { status: 'ringing', sequence: 1, eventAt: at(1) };

  it('moves a call forward through its life', () => {
    expect(callEventApplies(ringing, { status: 'answered', sequence: 2, occurredAt: at(2) })).toBe(true);
    expect(
      callEventApplies({ status: 'queued', sequence: null, eventAt: null }, { status: 'ringing', occurredAt: at(0) }),
    ).toBe(true);
  });

  it('does not move it back: a late ringing after answered is ignored', () => {
    const answered = { status: 'answered', sequence: 2, eventAt: at(2) };
    expect(callEventApplies(answered, { status: 'ringing', sequence: 1, occurredAt: at(1) })).toBe(false);
  });

  it('ignores a repeated event', () => {
    expect(callEventApplies(ringing, { status: 'ringing', sequence: 1, occurredAt: at(1) })).toBe(false);
  });

  it('ignores an event older than the newest applied, by sequence, else by time', () => {
    expect(callEventApplies(ringing, { status: 'answered', sequence: 0, occurredAt: at(5) })).toBe(false);
    const noSequence = { status: 'ringing', sequence: null, eventAt: at(10) };
    expect(callEventApplies(noSequence, { status: 'answered', occurredAt: at(9) })).toBe(false);
    expect(callEventApplies(noSequence, { status: 'answered', occurredAt: at(11) })).toBe(true);
  });

  it('never changes an ended call', () => {
    const done = { status: 'completed', sequence: 3, eventAt: at(3) };
    expect(callEventApplies(done, { status: 'busy', sequence: 9, occurredAt: at(9) })).toBe(false);
  });
});
