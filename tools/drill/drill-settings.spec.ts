import { drillUsage, readDrillSettings } from './drill-settings';

describe('readDrillSettings', () => {
  it('runs every core service twice with a run of about a minute by default', () => {
    const settings = readDrillSettings([], {}, '/repo');
    expect(settings).toMatchObject({ rootDir: '/repo', replicas: 2, readyWithinMs: 15_000, keepData: false });
    expect(settings.services).toEqual(
      expect.arrayContaining(['gateway', 'auth', 'webhook-ingest', 'call-orchestrator']),
    );
    expect(settings.services).not.toContain('telephony-sim');
  });

  it('takes variables, and flags over them', () => {
    const settings = readDrillSettings(
      ['--warmup', '2.5', '--burst=5', '--keep'],
      { DRILL_WARMUP_S: '30', DRILL_REPLICAS: '3' },
      '/repo',
    );
    expect(settings).toMatchObject({ warmupMs: 2_500, webhookBurstSize: 5, replicas: 3, keepData: true });
  });

  it('names every bad value at once', () => {
    expect(() =>
      readDrillSettings(
        ['--replicas', '1', '--burst', 'many', '--frobnicate'],
        { DRILL_SERVICES: 'gateway,auth' },
        '/r',
      ),
    ).toThrow(
      /--services must include webhook-ingest.*--replicas must be an integer from 2 to 4.*--burst must be an integer.*unknown option --frobnicate/,
    );
  });

  it('lists each option with its variable', () => {
    expect(drillUsage()).toMatch(/--nats-down <value> +DRILL_NATS_DOWN_S/);
  });
});
