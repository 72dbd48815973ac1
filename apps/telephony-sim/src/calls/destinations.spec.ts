import {
  DESTINATION_SCENARIO_BY_SUFFIX,
  destinationDigits,
  destinationKey,
  destinationScenario,
  planDestination,
  unansweredDialStatus,
} from './destinations';
import { SCENARIO_BY_SUFFIX } from './scenarios';

const number = (value: string) => ({ kind: 'number' as const, value });

describe('dialed destinations', () => {
  it('picks the scenario from the last four digits of a number or of a SIP URI user part', () => {
    expect(destinationScenario(number('+1 (555) 000-1101')).scenario).toBe('busy');
    expect(destinationScenario({ kind: 'sip', value: 'sip:queue-1102@pbx.example;transport=tls' }).scenario).toBe(
      'no-answer',
    );
    expect(destinationDigits({ kind: 'sip', value: 'sips:+15550001103@pbx.example' })).toBe('15550001103');
    expect(destinationScenario(number('+15550009999')).scenario).toBe('answers');
    expect(destinationScenario({ kind: 'queue', value: 'support-1101' }).scenario).toBe('answers');
  });

  it('never shares a suffix with the far-end table', () => {
    const farEnd = new Set([...Object.keys(SCENARIO_BY_SUFFIX), '0010']);
    const destinations = [
      ...Object.keys(DESTINATION_SCENARIO_BY_SUFFIX),
      ...Array.from({ length: 20 }, (_, i) => String(1110 + i)),
    ];
    expect(destinations.filter((s) => farEnd.has(s))).toEqual([]);
  });

  it('answers, is busy, rings out or fails as its number says', () => {
    expect(planDestination(number('+15550001100'), 0)).toMatchObject({ outcome: 'answer', ringSeconds: 3 });
    expect(planDestination(number('+15550001100'), 0).talkSeconds).toBe(Number.POSITIVE_INFINITY);
    expect(planDestination(number('+15550001101'), 0)).toMatchObject({ outcome: 'busy', ringSeconds: 2 });
    expect(planDestination(number('+15550001102'), 0).outcome).toBe('no-answer');
    expect(planDestination(number('+15550001103'), 0).outcome).toBe('failed');
    expect(planDestination(number('+15550001104'), 0)).toMatchObject({ outcome: 'answer', talkSeconds: 10 });
    expect(planDestination({ kind: 'conference', value: 'room' }, 0)).toMatchObject({
      outcome: 'answer',
      ringSeconds: 0,
    });
  });

  it('111K does not answer its first K dials, then answers; 112K is busy for them', () => {
    const outcomes = (suffix: string) =>
      Array.from({ length: 5 }, (_, dial) => planDestination(number(`+1555000${suffix}`), dial).outcome);
    expect(outcomes('1112')).toEqual(['no-answer', 'no-answer', 'answer', 'answer', 'answer']);
    expect(outcomes('1111')).toEqual(['no-answer', 'answer', 'answer', 'answer', 'answer']);
    expect(outcomes('1123')).toEqual(['busy', 'busy', 'busy', 'answer', 'answer']);
    expect(outcomes('1110')).toEqual(['answer', 'answer', 'answer', 'answer', 'answer']);
  });

  it('counts dials of one number however it is written, and of a SIP URI by the URI', () => {
    expect(destinationKey(number('+1 555 000 1112'))).toBe(destinationKey(number('+15550001112')));
    expect(destinationKey({ kind: 'sip', value: 'sip:Q@pbx' })).toBe(
      destinationKey({ kind: 'sip', value: 'sip:q@pbx' }),
    );
    expect(destinationKey({ kind: 'sip', value: 'sip:1112@pbx' })).not.toBe(destinationKey(number('1112')));
  });

  it('reports an unanswered simultaneous dial by its most telling outcome', () => {
    expect(unansweredDialStatus(['busy', 'no-answer'])).toBe('no-answer');
    expect(unansweredDialStatus(['failed', 'busy'])).toBe('busy');
    expect(unansweredDialStatus(['failed'])).toBe('failed');
  });
});
