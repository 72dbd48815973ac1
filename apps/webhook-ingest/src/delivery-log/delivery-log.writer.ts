import { toStorableText } from '@callfleet/contracts';
import { MetricsService } from '@callfleet/platform';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What the log keeps of one webhook request. */
export interface DeliveryLogRow {
  receivedAt: Date;
  requestId: string;
  provider: string;
  accountKey: string | null;
  kind: string;
  statusCode: number;
  latencyMs: number;
  /** valid, invalid, unknown-account, not-checked, handshake. */
  verification: string;
  eventCount: number;
  error: string | null;
}

/**
 * The row as PostgreSQL can store it: what arrived in a URL or a provider's field (an account key
 * with `%00`, a status echoed in an error) may hold a NUL or a lone surrogate, which text refuses.
 */
function storableRow(row: DeliveryLogRow): DeliveryLogRow {
  return {
    ...row,
    requestId: toStorableText(row.requestId),
    provider: toStorableText(row.provider),
    accountKey: row.accountKey === null ? null : toStorableText(row.accountKey),
    kind: toStorableText(row.kind),
    verification: toStorableText(row.verification),
    error: row.error === null ? null : toStorableText(row.error),
  };
}

/**
 * PostgreSQL's SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the
 * rows are at fault, not the database. A value no row should hold (an Invalid Date) fails the same way.
 */
function refusesTheData(error: unknown): boolean {
  if (error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

const BATCH_SIZE = 500;
const FLUSH_DELAY_MS = 250;
/** Beyond this many unwritten rows (database down under load) new rows are dropped and counted. */
const MAX_BUFFERED = 20_000;

/**
 * `webhook_delivery_log`, written in batches off the request path: the log is for operators, and a
 * provider's answer must not wait for it (nor fail when it cannot be written).
 */
@Injectable()
export class DeliveryLogWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryLog');
  private buffer: DeliveryLogRow[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  record(row: DeliveryLogRow): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.dropped(1);
      return;
    }
    this.buffer.push(row);
    if (this.buffer.length >= BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS).unref();
  }

  /** Writes everything recorded so far. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      for (let start = 0; start < rows.length; start += BATCH_SIZE)
        await this.write(rows.slice(start, start + BATCH_SIZE));
    });
    return this.writing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /**
   * One INSERT per batch. Should PostgreSQL refuse the data itself (a value out of range, text it
   * cannot take), the rows go again one by one, so a refused row costs only itself and is counted.
   * Any other failure (the database away, a timeout) drops the batch as before: retrying row by row
   * would only multiply the load on a database that is already struggling.
   */
  private async write(rows: DeliveryLogRow[]): Promise<void> {
    const storable = rows.map(storableRow);
    try {
      await this.insert(storable);
      return;
    } catch (error) {
      if (storable.length === 1 || !refusesTheData(error)) {
        this.refused(storable.length, error);
        return;
      }
    }
    let refused = 0;
    let lastError: unknown;
    for (const row of storable) {
      try {
        await this.insert([row]);
      } catch (error) {
        refused += 1;
        lastError = error;
      }
    }
    if (refused > 0) this.refused(refused, lastError);
  }

  private async insert(rows: DeliveryLogRow[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ingest.webhook_delivery_log
         (received_at, request_id, provider, account_key, kind, status_code, latency_ms, verification, event_count, error)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::real[],
                            $8::text[], $9::int[], $10::text[])`,
      [
        rows.map((r) => r.receivedAt.toISOString()),
        rows.map((r) => r.requestId),
        rows.map((r) => r.provider),
        rows.map((r) => r.accountKey),
        rows.map((r) => r.kind),
        rows.map((r) => r.statusCode),
        rows.map((r) => r.latencyMs),
        rows.map((r) => r.verification),
        rows.map((r) => r.eventCount),
        rows.map((r) => r.error),
      ],
    );
  }

  private refused(count: number, error: unknown): void {
    this.dropped(count);
    this.logger.warn(`${count} delivery log rows not written: ${String(error)}`);
  }

  private dropped(count: number): void {
    this.metrics
      .counter('callfleet_webhooks_delivery_log_dropped_total', 'Delivery log rows that could not be written')
      .inc(count);
  }
}
