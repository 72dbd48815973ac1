import { AppException } from '@callfleet/platform';
import { deliversTo, lastEventIdOf, liveEventSelection } from './live-event-selection';

const ORG = '6f1c3a52-6f0e-4d59-a8a5-1f2d6c7e8a90';
const OTHER = '0b7f7f0e-2b57-4c1c-9d8e-6a3c2c1d9e11';
const HUNT = 'a4f3c2b1-0e9d-4c8b-9a7f-6e5d4c3b2a10';

function refusal(act: () => unknown): { code: string; field: string } {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(AppException);
    const e = error as AppException;
    return { code: e.code, field: (e.details as { fields: { field: string }[] }).fields[0].field };
  }
  throw new Error('not refused');
}

describe('liveEventSelection', () => {
  it('reads hunts by default, a family by name, or exact types of one family', () => {
    expect(liveEventSelection({})).toMatchObject({ family: 'hunts', subject: 'events.hunts.v1.>', types: null });
    expect(liveEventSelection({ types: 'calls' })).toMatchObject({ subject: 'events.calls.v1.>', types: null });
    expect(liveEventSelection({ types: 'media' })).toMatchObject({ subject: 'events.media.v1.live-human-detected' });
    const some = liveEventSelection({ types: 'events.hunts.v1.won, events.hunts.v1.connected', huntId: HUNT });
    expect(some.subject).toBe('events.hunts.v1.>');
    expect([...(some.types ?? [])]).toEqual(['events.hunts.v1.won', 'events.hunts.v1.connected']);
    expect(some.huntId).toBe(HUNT);
    // The family named outright wins over its own types.
    expect(liveEventSelection({ types: 'hunts,events.hunts.v1.won' }).types).toBeNull();
  });

  it('refuses what a frontend may not read, and two families on one stream', () => {
    for (const types of [
      'auth',
      'events.auth.v1.user-registered',
      'events.recordings.v1.stored',
      'hunts,calls',
      '',
      ' , ',
      'events.>',
      'events.hunts.v1.>',
      'x'.repeat(500),
    ]) {
      expect({ types, ...refusal(() => liveEventSelection({ types })) }).toEqual({
        types,
        code: 'VALIDATION_ERROR',
        field: 'types',
      });
    }
    expect(refusal(() => liveEventSelection({ types: Array(21).fill('hunts').join(',') })).field).toBe('types');
  });
});

describe('lastEventIdOf', () => {
  it('reads a stream sequence, or nothing', () => {
    expect(lastEventIdOf(undefined)).toBeUndefined();
    expect(lastEventIdOf('')).toBeUndefined();
    expect(lastEventIdOf('0')).toBe(0);
    expect(lastEventIdOf('12345')).toBe(12345);
    expect(lastEventIdOf(['1', '7'])).toBe(7);
  });

  it('refuses anything but up to 15 digits', () => {
    for (const value of ['abc', '-1', '1e5', '1.5', ' 1', '9'.repeat(16), '0x10']) {
      expect({ value, ...refusal(() => lastEventIdOf(value)) }).toEqual({
        value,
        code: 'VALIDATION_ERROR',
        field: 'Last-Event-ID',
      });
    }
  });
});

describe('deliversTo', () => {
  const all = liveEventSelection({});
  const event = (orgId: string | null, data: unknown = { huntId: HUNT }, type = 'events.hunts.v1.won') => ({
    id: 'e',
    type,
    orgId,
    data,
  });

  it('sends an org its own events only; an event of no org to nobody', () => {
    expect(deliversTo(event(ORG), ORG, all)).toBe(true);
    expect(deliversTo(event(OTHER), ORG, all)).toBe(false);
    expect(deliversTo(event(null), ORG, all)).toBe(false);
    expect(deliversTo(null, ORG, all)).toBe(false);
    expect(deliversTo('text' as never, ORG, all)).toBe(false);
  });

  it('keeps to the hunt and the types selected', () => {
    const hunt = liveEventSelection({ huntId: HUNT });
    expect(deliversTo(event(ORG), ORG, hunt)).toBe(true);
    expect(deliversTo(event(ORG, { huntId: 'another' }), ORG, hunt)).toBe(false);
    expect(deliversTo(event(ORG, null), ORG, hunt)).toBe(false);
    expect(deliversTo(event(ORG, 'text'), ORG, hunt)).toBe(false);
    const won = liveEventSelection({ types: 'events.hunts.v1.won' });
    expect(deliversTo(event(ORG), ORG, won)).toBe(true);
    expect(deliversTo(event(ORG, {}, 'events.hunts.v1.created'), ORG, won)).toBe(false);
  });

  it('keeps to the call selected: a single call’s events, to its org only', () => {
    const CALL = '3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b';
    const calls = liveEventSelection({ types: 'calls', callId: CALL });
    const ended = (orgId: string, callId: string) => event(orgId, { callId }, 'events.calls.v1.ended');
    expect(deliversTo(ended(ORG, CALL), ORG, calls)).toBe(true);
    expect(deliversTo(ended(OTHER, CALL), ORG, calls)).toBe(false);
    expect(deliversTo(ended(ORG, 'another'), ORG, calls)).toBe(false);
    expect(deliversTo(event(ORG, null, 'events.calls.v1.ended'), ORG, calls)).toBe(false);
    expect(deliversTo(ended(ORG, CALL), ORG, liveEventSelection({ types: 'calls' }))).toBe(true);
  });
});
