import type { Clock, JetStreamService, MetricsService, NatsConnectionService } from '@callfleet/platform';
import type { BackoffOptions } from '@callfleet/resilience';
import { Logger } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import type { PgListener } from '../notifications/pg-listener';
import { OutboxMetrics } from './outbox-metrics';
import { publishableInOrder } from './outbox-order';
import { outboxChannel, outboxTable } from './outbox-table';
import { publishRetryDelay } from './publish-retry';

export interface OutboxRelayOptions {
  /** Events claimed (and locked) per pass. */
  batchSize: number;
  /** The fallback when no NOTIFY arrives (the listener's connection is down, a notification lost). */
  pollIntervalMs: number;
  /** Waits after a failed publish, per event and for the relay as a whole. */
  backoff: BackoffOptions;
  /** How long one publish waits for its PubAck. */
  publishTimeoutMs: number;
  /** Published events are kept this long (for inspection), then deleted. */
  sentRetentionMs: number;
  cleanupIntervalMs: number;
  /** Published events deleted per cleanup statement, so a cleanup never holds many locks. */
  cleanupBatchSize: number;
  /** On shutdown, how long the relay keeps publishing what is due before it lets go. */
  drainTimeoutMs: number;
}

export const DEFAULT_OUTBOX_RELAY_OPTIONS: OutboxRelayOptions = {
  batchSize: 100,
  pollIntervalMs: 5_000,
  backoff: { baseDelayMs: 500, maxDelayMs: 30_000 },
  publishTimeoutMs: 5_000,
  sentRetentionMs: 24 * 3_600_000,
  cleanupIntervalMs: 60_000,
  cleanupBatchSize: 1_000,
  drainTimeoutMs: 5_000,
};

/** The pause of a relay whose whole claim waits behind another relay's (see publishableInOrder). */
const BLOCKED_PAUSE_MS = 100;

interface ClaimedRow {
  id: string;
  eventId: string;
  subject: string;
  envelope: unknown;
  headers: Record<string, string>;
  orderKey: string | null;
  attempts: number;
}

export interface OutboxRelayDeps {
  dataSource: DataSource;
  schema: string;
  jetstream: JetStreamService;
  nats: NatsConnectionService;
  clock: Clock;
  metrics: MetricsService;
  listener: PgListener;
  options?: Partial<OutboxRelayOptions>;
}

/**
 * Publishes a schema's outbox to JetStream, one relay per process; replicas share the table.
 *
 * A pass claims due events with `FOR UPDATE SKIP LOCKED` (another relay's rows are skipped, never
 * waited for), publishes them with `Nats-Msg-Id` = the event id, and marks them sent in the same
 * transaction, after each PubAck. A crash before that commit releases the rows and they are
 * published again, which JetStream drops as duplicates within its window: at least once on the
 * table, once on the stream. A failed publish ends the pass and the event is retried with backoff.
 * Woken by NOTIFY on commit, by the broker coming back, and by the clock jumping; polls otherwise.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly options: OutboxRelayOptions;
  private readonly table: string;
  private readonly claimSql: string;
  private readonly outboxMetrics: OutboxMetrics;
  private readonly unsubscribe: (() => void)[] = [];
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  /** A wake-up that came while a pass ran: the next sleep is skipped. */
  private wokenDuringPass = false;
  /** The broker reconnected: events waiting out their backoff are tried at once. */
  private brokerCameBack = false;
  private consecutiveFailures = 0;
  private lastCleanupMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: OutboxRelayDeps) {
    this.options = { ...DEFAULT_OUTBOX_RELAY_OPTIONS, ...deps.options };
    this.table = outboxTable(deps.schema);
    this.claimSql = `
      SELECT o.id::text AS id, o.event_id AS "eventId", o.subject, o.envelope, o.headers,
             o.order_key AS "orderKey", o.attempts
      FROM ${this.table} o
      WHERE o.sent_at IS NULL AND (o.available_at <= $1 OR $2)
      ORDER BY o.id -- the bigint; a bare "id" would sort the text alias
      LIMIT $3
      FOR UPDATE SKIP LOCKED`;
    this.outboxMetrics = new OutboxMetrics(deps.dataSource, deps.schema, deps.clock, deps.metrics);
  }

  async start(): Promise<void> {
    this.unsubscribe.push(await this.deps.listener.listen(outboxChannel(this.deps.schema), () => this.nudge()));
    this.unsubscribe.push(this.deps.clock.onJump(() => this.nudge()));
    void this.watchBroker();
    this.loop = this.run();
  }

  /** Publishes what is due (for up to drainTimeoutMs), then stops; the rest waits in the table. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.nudge();
    await this.loop;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  private nudge(): void {
    if (this.wake) {
      this.wake();
      this.wake = undefined;
    } else {
      this.wokenDuringPass = true;
    }
  }

  private async watchBroker(): Promise<void> {
    for await (const status of this.deps.nats.nc.status()) {
      if (status.type === 'reconnect') {
        this.brokerCameBack = true;
        this.consecutiveFailures = 0;
        this.nudge();
      }
    }
  }

  private async run(): Promise<void> {
    let drainDeadline = Number.POSITIVE_INFINITY;
    for (;;) {
      if (this.stopping && drainDeadline === Number.POSITIVE_INFINITY) {
        drainDeadline = Date.now() + this.options.drainTimeoutMs;
      }
      // Only a pass that began after stop() was asked may end the drain: one already running may
      // have claimed before the last commits.
      const draining = this.stopping;
      this.wokenDuringPass = false;
      let nextPassInMs: number;
      try {
        nextPassInMs = await this.pass();
        if (!this.stopping) await this.cleanUpIfDue();
      } catch (error) {
        this.logger.error(`outbox pass failed: ${String(error)}`);
        nextPassInMs = this.options.pollIntervalMs;
      }
      if (draining && (nextPassInMs > 0 || Date.now() >= drainDeadline)) return;
      if (nextPassInMs > 0 && !this.wokenDuringPass) await this.sleep(nextPassInMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * One claim-publish-mark transaction. Returns when the next pass should run: 0 when a full batch
   * went out (more may wait), the backoff after a failure, the poll interval otherwise.
   */
  private async pass(): Promise<number> {
    const ignoreBackoff = this.brokerCameBack;
    this.brokerCameBack = false;
    const runner = this.deps.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const now = this.deps.clock.now();
      const claimed: ClaimedRow[] = await runner.query(this.claimSql, [now, ignoreBackoff, this.options.batchSize]);
      if (claimed.length === 0) {
        await runner.commitTransaction();
        return this.options.pollIntervalMs;
      }
      const publishable = publishableInOrder(claimed, await this.firstUnclaimedByKey(runner, claimed));
      const sent: string[] = [];
      let failed: { row: ClaimedRow; error: unknown } | undefined;
      for (const row of publishable) {
        try {
          await this.deps.jetstream.publish(row.subject, row.envelope, row.eventId, row.headers, {
            timeoutMs: this.options.publishTimeoutMs,
          });
          sent.push(row.id);
        } catch (error) {
          failed = { row, error };
          break;
        }
      }
      if (sent.length) {
        await runner.query(`UPDATE ${this.table} SET sent_at = $1 WHERE id = ANY($2::bigint[])`, [
          this.deps.clock.now(),
          sent,
        ]);
      }
      if (failed) await this.postpone(runner, failed.row, failed.error, now);
      await runner.commitTransaction();
      this.outboxMetrics.published.inc(sent.length);
      if (failed) {
        this.outboxMetrics.publishFailures.inc();
        this.consecutiveFailures += 1;
        const delay = publishRetryDelay(failed.error, this.consecutiveFailures, this.options.backoff);
        this.logger.warn(
          `outbox: publish of ${failed.row.subject} failed (${errorText(failed.error)}), retry in ${delay} ms`,
        );
        return delay;
      }
      this.consecutiveFailures = 0;
      // Everything claimed waits behind another relay's rows of the same keys: let it finish first.
      if (publishable.length === 0) return BLOCKED_PAUSE_MS;
      return claimed.length === this.options.batchSize ? 0 : this.options.pollIntervalMs;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Per order key of the claim, the smallest unsent id this pass does not hold (see publishableInOrder). */
  private async firstUnclaimedByKey(runner: QueryRunner, claimed: ClaimedRow[]): Promise<Map<string, string>> {
    const keys = [...new Set(claimed.map((r) => r.orderKey).filter((k): k is string => k !== null))];
    if (keys.length === 0) return new Map();
    const rows: { orderKey: string; id: string }[] = await runner.query(
      `SELECT order_key AS "orderKey", min(id)::text AS id FROM ${this.table}
       WHERE sent_at IS NULL AND order_key = ANY($1::text[]) AND NOT (id = ANY($2::bigint[]))
       GROUP BY order_key`,
      [keys, claimed.map((r) => r.id)],
    );
    return new Map(rows.map((r) => [r.orderKey, r.id]));
  }

  /** The event waits out its own backoff, so one that can never be published does not stall the rest. */
  private async postpone(runner: QueryRunner, row: ClaimedRow, error: unknown, now: Date): Promise<void> {
    const availableAt = new Date(now.getTime() + publishRetryDelay(error, row.attempts + 1, this.options.backoff));
    await runner.query(
      `UPDATE ${this.table} SET attempts = attempts + 1, available_at = $1, last_error = $2 WHERE id = $3`,
      [availableAt, errorText(error).slice(0, 500), row.id],
    );
  }

  /** Deletes published events past their retention, a bounded batch at a time. */
  private async cleanUpIfDue(): Promise<void> {
    const nowMs = this.deps.clock.nowMs();
    if (nowMs - this.lastCleanupMs < this.options.cleanupIntervalMs) return;
    this.lastCleanupMs = nowMs;
    await this.deps.dataSource.query(
      `DELETE FROM ${this.table} WHERE id IN (
         SELECT id FROM ${this.table} WHERE sent_at < $1 ORDER BY sent_at LIMIT $2 FOR UPDATE SKIP LOCKED
       )`,
      [new Date(nowMs - this.options.sentRetentionMs), this.options.cleanupBatchSize],
    );
  }
}

function errorText(error: unknown): string {
  return String((error as Error)?.message ?? error);
}
