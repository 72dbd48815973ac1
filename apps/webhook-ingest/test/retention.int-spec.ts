import { ManualClock } from '@callfleet/platform';
import { waitFor } from '@callfleet/testing';
import { IngestHarness, type IngestService } from './ingest-harness';

interface JobRow {
  key: string;
  status: string;
  run_at: Date;
}

/**
 * The daily cleanup is a recurring durable job, against real PostgreSQL with two instances of the
 * service: time is moved with a ManualClock to 04:00 UTC, old rows go in batches, recent ones stay,
 * and the run happens once, on one replica, then waits for the next day.
 */
describe('webhook-ingest: retention cleanup', () => {
  const clock = new ManualClock(Date.parse('2026-06-10T03:59:00Z'));
  let ingest: IngestHarness;
  let replica: IngestService;

  beforeAll(async () => {
    ingest = await IngestHarness.start({ env: { RETENTION_BATCH_SIZE: '100' }, clock });
    replica = await ingest.startReplica();
  });

  afterAll(async () => {
    await ingest?.stop();
  });

  const cleanupJobs = () =>
    ingest.db.query<JobRow>(
      `SELECT key, status, run_at FROM ingest.jobs WHERE kind = 'webhook-ingest.retention-cleanup'`,
    );
  const onBoth = async (name: string, labels: Record<string, string>) =>
    (await ingest.metric(name, labels)) + (await ingest.metric(name, labels, replica));

  it('deletes delivery log rows older than 7 days and processed ids older than 24 h at 04:00, once for both replicas', async () => {
    const [job] = await cleanupJobs();
    expect(await cleanupJobs()).toHaveLength(1);
    expect(job).toMatchObject({ status: 'pending', run_at: new Date('2026-06-10T04:00:00Z') });

    const cleanupAt = Date.parse('2026-06-10T04:00:00Z');
    const ago = (hours: number) => new Date(cleanupAt - hours * 3600_000).toISOString();
    await ingest.db.query(
      `INSERT INTO ingest.webhook_delivery_log
         (received_at, request_id, provider, account_key, kind, status_code, latency_ms, verification, event_count)
       SELECT CASE WHEN n <= 250 THEN $1::timestamptz ELSE $2::timestamptz END, 'r' || n, 'twilio', 'k', 'status', 200, 1, 'valid', 1
       FROM generate_series(1, 260) AS n`,
      [ago(7 * 24 + 1), ago(7 * 24 - 1)],
    );
    await ingest.db.query(
      `INSERT INTO ingest.processed_webhook_events (event_id, provider, account_key, processed_at)
       SELECT 'e' || n, 'twilio', 'k', CASE WHEN n <= 230 THEN $1::timestamptz ELSE $2::timestamptz END
       FROM generate_series(1, 240) AS n`,
      [ago(25), ago(23)],
    );

    clock.set(cleanupAt);
    const [next] = await waitFor(
      async () => {
        const rows = await cleanupJobs();
        return rows[0]?.run_at.getTime() > cleanupAt && rows[0].status === 'pending' && rows;
      },
      15_000,
      'the cleanup to run and wait for the next day',
    );
    expect(next.run_at).toEqual(new Date('2026-06-11T04:00:00Z'));

    const [{ logs }] = await ingest.db.query<{ logs: number }>(
      'SELECT count(*)::int AS logs FROM ingest.webhook_delivery_log',
    );
    const [{ ids }] = await ingest.db.query<{ ids: number }>(
      'SELECT count(*)::int AS ids FROM ingest.processed_webhook_events',
    );
    expect({ logs, ids }).toEqual({ logs: 10, ids: 10 });
    const kind = { kind: 'webhook-ingest.retention-cleanup' };
    expect(await onBoth('callfleet_jobs_runs_total', { ...kind, outcome: 'done' })).toBe(1);
    expect(await onBoth('callfleet_webhooks_retention_deleted_rows_total', { table: 'webhook_delivery_log' })).toBe(
      250,
    );
  });
});
