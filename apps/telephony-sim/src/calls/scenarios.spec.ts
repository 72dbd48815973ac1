import { planScenario, SCENARIO_BY_SUFFIX, selectScenario } from './scenarios';

describe('scenario selection', () => {
  it('follows the number table whatever the seed', () => {
    expect(selectScenario('+1 (555) 000-0003', 'a', 0)).toBe('busy');
    expect(selectScenario('+15550000003', 'b', 7)).toBe('busy');
    expect(selectScenario('+4930123450500', 'x', 0)).toBe('api-error');
    for (const [suffix, scenario] of Object.entries(SCENARIO_BY_SUFFIX)) {
      expect(selectScenario(`+1555123${suffix}`, 'seed', 3)).toBe(scenario);
    }
  });

  it('repeats exactly for the same seed, number and attempt', () => {
    const numbers = Array.from({ length: 50 }, (_, i) => `+1555${String(7000 + i * 37).padStart(7, '0')}`);
    const run = (seed: string) => numbers.map((n, i) => selectScenario(n, seed, i % 3));
    expect(run('seed-1')).toEqual(run('seed-1'));
    expect(run('seed-1')).not.toEqual(run('seed-2'));
  });

  it('gives other numbers mostly the hold line, and never an API failure', () => {
    const picks = Array.from({ length: 400 }, (_, i) => selectScenario('+15559876543', 'callfleet', i));
    const holdLine = picks.filter((p) => p === 'ivr-hold-agent').length;
    expect(holdLine).toBeGreaterThan(150);
    expect(holdLine).toBeLessThan(250);
    expect(picks.some((p) => p.startsWith('api-'))).toBe(false);
    expect(new Set(picks).size).toBe(6);
  });

  it('draws timings from the seed within the configured hold range', () => {
    const settings = { holdSeconds: { min: 600, max: 660 } };
    const plan = planScenario('ivr-hold-agent', 's', '+15550000001', 0, settings);
    expect(plan).toEqual(planScenario('ivr-hold-agent', 's', '+15550000001', 0, settings));
    expect(plan.holdSeconds).toBeGreaterThanOrEqual(600);
    expect(plan.holdSeconds).toBeLessThanOrEqual(660);
    expect(plan.answerAfterSeconds).toBeGreaterThan(0);
    expect(planScenario('ivr-hold-agent', 's', '+15550000001', 1, settings)).not.toEqual(plan);
  });
});
