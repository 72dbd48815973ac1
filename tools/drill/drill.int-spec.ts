import { ensureBuilt, REPO_ROOT } from '@callfleet/testing';
import { serviceEntry } from '../fleet/fleet-services';
import { abortDrills, type DrillOutcome, runDrill } from './drill';
import { renderDrillReport } from './drill-report';
import { readDrillSettings } from './drill-settings';

/**
 * The drill of `npm run drill` on a shorter run: the services the traffic goes through, two
 * replicas each, a 3-node NATS cluster and a private PostgreSQL, all killed in turn under traffic.
 */
describe('the drill (npm run drill, shorter)', () => {
  const services = ['gateway', 'auth', 'webhook-ingest'];
  let outcome: DrillOutcome;

  beforeAll(async () => {
    await ensureBuilt([...services, 'telephony-sim'].map((s) => serviceEntry('', s)));
    const settings = readDrillSettings(
      [
        ...['--services', services.join(',')],
        ...['--warmup', '3', '--pause', '3', '--kill-gap', '1', '--cooldown', '3', '--nats-down', '3'],
        ...['--api-concurrency', '1', '--burst', '5'],
      ],
      {},
      REPO_ROOT,
    );
    outcome = await runDrill(settings, () => undefined);
    process.stdout.write(`${renderDrillReport(outcome.report)}\n`);
  }, 170_000);

  // A run cut short (a timeout) still leaves no process behind.
  afterAll(() => abortDrills());

  it('loses nothing acknowledged and processes nothing twice, webhooks and API calls alike', () => {
    for (const row of outcome.report.deliveries) {
      expect({ what: row.what, lost: row.lost, duplicated: row.duplicated }).toEqual({
        what: row.what,
        lost: 0,
        duplicated: 0,
      });
    }
    const webhooks = outcome.report.deliveries.find((r) => r.what.startsWith('webhooks'));
    expect(webhooks?.acknowledged).toBeGreaterThan(0);
    expect(webhooks?.stored).toBe(webhooks?.acknowledged);
  });

  it('has every killed NATS node, replica and the fleet after PostgreSQL serving again within 15 s', () => {
    expect(outcome.report.recoveries.map((r) => r.what)).toEqual([
      expect.stringMatching(/^NATS node n\d$/),
      'gateway#1',
      'webhook-ingest#1',
      'auth#1',
      'PostgreSQL → every replica ready',
    ]);
    for (const row of outcome.report.recoveries) {
      expect({ what: row.what, ready: (row.readyAfterMs ?? Number.POSITIVE_INFINITY) <= 15_000 }).toEqual({
        what: row.what,
        ready: true,
      });
    }
    expect(outcome.problems).toEqual([]);
  });
});
