import { HUNTING_POOL, pickScenario, planScenario, SCENARIO_BY_SUFFIX, selectScenario } from './scenarios';

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

  it('gives each call to the hunting line (0010) its own seeded outcome, mostly a hold then a person', () => {
    const picks = Array.from({ length: 400 }, (_, attempt) => pickScenario('+15550000010', 'callfleet', attempt));
    expect(new Set(picks.map((p) => p.source))).toEqual(new Set(['hunting']));
    const counts = new Map<string, number>();
    for (const { scenario } of picks) counts.set(scenario, (counts.get(scenario) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(HUNTING_POOL.map(([name]) => name).sort());
    expect(counts.get('ivr-hold-agent')).toBeGreaterThan(200);
    // Redials of the line differ, yet the run repeats for the seed.
    expect(picks.map((p) => p.scenario)).toEqual(
      Array.from({ length: 400 }, (_, attempt) => selectScenario('+1 555 000 0010', 'callfleet', attempt)),
    );
    expect(pickScenario('+15550000002', 'callfleet', 0)).toEqual({ scenario: 'human', source: 'number' });
    expect(pickScenario('+15559876543', 'callfleet', 0).source).toBe('seeded');
  });

  it('draws timings from the seed within the configured hold range', () => {
    const settings = { holdSeconds: { min: 600, max: 660 } };
    const plan = planScenario('ivr-hold-agent', 's', '+15550000001', 0, settings);
    expect(plan).toEqual(planScenario('ivr-hold-agent', 's', '+15550000001', 0, settings));
    expect(plan.holdSeconds).toBeGreaterThanOrEqual(600);
    expect(plan.holdSeconds).toBeLessThanOrEqual(660);
    expect(plan.answerAfterSeconds).toBeGreaterThan(0);
    expect(plan.transferPatienceSeconds).toBeGreaterThanOrEqual(300);
    expect(planScenario('ivr-hold-agent', 's', '+15550000001', 1, settings)).not.toEqual(plan);
  });
});
