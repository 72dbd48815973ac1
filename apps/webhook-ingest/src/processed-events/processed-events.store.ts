import type { NormalizedTelephonyEvent } from '@callfleet/contracts';
import { preparedStatement, runPrepared } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MicroBatcher } from './micro-batch';

const BATCH = { maxSize: 500, maxConcurrent: 4 };

// Prepared: every webhook runs both, so PostgreSQL parses and plans them once per connection.
const PROCESSED_AMONG = preparedStatement(
  'ingest.processed-among',
  'SELECT event_id FROM ingest.processed_webhook_events WHERE event_id = ANY($1::text[])',
);
const MARK_PROCESSED = preparedStatement(
  'ingest.mark-processed',
  `INSERT INTO ingest.processed_webhook_events (event_id, provider, account_key)
   SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
   ON CONFLICT (event_id) DO NOTHING`,
);

/**
 * Ids of provider events already published to INGRESS. A row is written only after the PubAck, so
 * a crash in between leaves the event unmarked: the provider's retry publishes it again with the
 * same Nats-Msg-Id and JetStream drops the repeat. Rows are kept PROCESSED_EVENT_RETENTION_HOURS.
 *
 * Concurrent webhooks share round trips (MicroBatcher): under load one SELECT and one INSERT serve
 * dozens of deliveries, which is most of what the database would otherwise spend on this service.
 */
@Injectable()
export class ProcessedEventsStore {
  private readonly lookups: MicroBatcher<readonly string[], Set<string>>;
  private readonly marks: MicroBatcher<readonly NormalizedTelephonyEvent[], undefined>;

  constructor(private readonly dataSource: DataSource) {
    this.lookups = new MicroBatcher((requests) => this.lookUp(requests), BATCH);
    this.marks = new MicroBatcher((requests) => this.mark(requests), BATCH);
  }

  /** Which of these ids were processed already. */
  processedAmong(eventIds: readonly string[]): Promise<Set<string>> {
    return this.lookups.submit(eventIds);
  }

  async markProcessed(events: readonly NormalizedTelephonyEvent[]): Promise<void> {
    if (events.length > 0) await this.marks.submit(events);
  }

  private async lookUp(requests: (readonly string[])[]): Promise<Set<string>[]> {
    const rows = await runPrepared<{ event_id: string }>(this.dataSource, PROCESSED_AMONG, [
      [...new Set(requests.flat())],
    ]);
    const found = new Set(rows.map((row) => row.event_id));
    return requests.map((ids) => new Set(ids.filter((id) => found.has(id))));
  }

  private async mark(requests: (readonly NormalizedTelephonyEvent[])[]): Promise<undefined[]> {
    const events = [...new Map(requests.flat().map((e) => [e.eventId, e])).values()];
    await runPrepared(this.dataSource, MARK_PROCESSED, [
      events.map((e) => e.eventId),
      events.map((e) => e.provider),
      events.map((e) => e.accountKey),
    ]);
    return requests.map(() => undefined);
  }
}
