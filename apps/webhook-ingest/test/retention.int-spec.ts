import { RetentionCleanup } from '../src/retention/retention-cleanup.service';
import { IngestHarness } from './ingest-harness';

/** The daily cleanup against real PostgreSQL: old rows go in batches, recent ones stay. */
describe('webhook-ingest: retention cleanup', () => {
  let ingest: IngestHarness;

  beforeAll(async () => {
    ingest = await IngestHarness.start({ env: { RETENTION_BATCH_SIZE: '100' } });
  });

  afterAll(async () => {
    await ingest?.stop();
  });

  it('deletes delivery log rows older than 7 days and processed ids older than 24 h, in batches', async () => {
    const now = new Date('2026-06-10T04:00:00Z');
    const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000).toISOString();
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

    const result = await ingest.service.app.get(RetentionCleanup).runOnce(now);

    expect(result).toEqual({ deliveryLogRows: 250, processedEvents: 230, ran: true });
    const [{ logs }] = await ingest.db.query<{ logs: number }>(
      'SELECT count(*)::int AS logs FROM ingest.webhook_delivery_log',
    );
    const [{ ids }] = await ingest.db.query<{ ids: number }>(
      'SELECT count(*)::int AS ids FROM ingest.processed_webhook_events',
    );
    expect({ logs, ids }).toEqual({ logs: 10, ids: 10 });
    expect(
      await ingest.metric('callfleet_webhooks_retention_deleted_rows_total', { table: 'webhook_delivery_log' }),
    ).toBe(250);
  });
});
