import { liveHumanEventId } from './live-human-event-id';

describe('liveHumanEventId', () => {
  it('is a UUID, the same for every publish of one stream’s decision', () => {
    const id = liveHumanEventId('call-1', 'MZ123');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(liveHumanEventId('call-1', 'MZ123')).toBe(id);
  });

  it('differs for another stream of the call and for another call', () => {
    const id = liveHumanEventId('call-1', 'MZ123');
    expect(liveHumanEventId('call-1', 'MZ124')).not.toBe(id);
    expect(liveHumanEventId('call-2', 'MZ123')).not.toBe(id);
    // The separator keeps ("call-1", "2MZ") and ("call-12", "MZ") apart.
    expect(liveHumanEventId('call-1', '2MZ')).not.toBe(liveHumanEventId('call-12', 'MZ'));
  });
});
