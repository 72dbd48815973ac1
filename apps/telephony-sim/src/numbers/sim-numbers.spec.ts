import { SCENARIO_BY_SUFFIX } from '../calls/scenarios';
import { pageWindow, simNumbers } from './sim-numbers';

describe('simNumbers', () => {
  it('is the same sequence on every start, and a shorter count is its beginning', () => {
    expect(simNumbers('twilio', 'AC1', 250)).toEqual(simNumbers('twilio', 'AC1', 250));
    expect(simNumbers('twilio', 'AC1', 10)).toEqual(simNumbers('twilio', 'AC1', 250).slice(0, 10));
  });

  it('gives two accounts different numbers and never a number whose suffix picks a scenario', () => {
    const a = simNumbers('twilio', 'AC1', 9000).map((n) => n.number);
    const b = new Set(simNumbers('twilio', 'AC2', 9000).map((n) => n.number));
    expect(a.filter((n) => b.has(n))).toEqual([]);
    for (const flavour of ['twilio', 'exotel', 'ringcentral'] as const) {
      for (const { number } of simNumbers(flavour, 'acct', 9000)) {
        expect(number.slice(-4) >= '1000').toBe(true);
        expect(SCENARIO_BY_SUFFIX[number.slice(-4)]).toBeUndefined();
      }
    }
  });

  it('stops at 9000', () => {
    expect(simNumbers('exotel', 'x', 20_000)).toHaveLength(9000);
  });
});

describe('pageWindow', () => {
  it('cuts pages and says when another follows', () => {
    expect(pageWindow(250, 0, 100)).toEqual({ start: 0, end: 100, hasNext: true });
    expect(pageWindow(250, 2, 100)).toEqual({ start: 200, end: 250, hasNext: false });
    expect(pageWindow(250, 9, 100)).toEqual({ start: 250, end: 250, hasNext: false });
    expect(pageWindow(200, 1, 100)).toEqual({ start: 100, end: 200, hasNext: false });
  });
});
