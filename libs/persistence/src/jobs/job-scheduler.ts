import { Clock } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { jobsChannel } from './jobs-table';
import { nextOccurrence, type Recurrence, recurrenceText } from './recurrence';

export interface ScheduleOptions {
  /** Names the job: scheduling a key that exists (pending, running or finished) is a no-op. */
  key: string;
  /** Overrides the handler's `maxAttempts` for this job (a whole number ≥ 1). */
  maxAttempts?: number;
  /** Schedules in the caller's transaction: the job exists if and only if the caller's change commits. */
  manager?: EntityManager;
}

/** The prefix of recurring jobs' keys: one row per recurring kind, whatever the number of replicas. */
export const RECURRING_KEY_PREFIX = 'recurring:';

/**
 * Schedules durable jobs and timers in the service's own `jobs` table (see createJobsTable). Any
 * replica's JobRunner runs them; time comes from the injectable Clock.
 */
@Injectable()
export class JobScheduler {
  readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    const schema = (dataSource.options as { schema?: string }).schema;
    if (!schema) throw new Error('durable jobs need a data source on a schema (PersistenceModule.forSchema)');
    this.schema = schema;
  }

  /** Runs `kind`'s handler with `payload` at `runAt` (at once when past). False when the key already existed. */
  async schedule(kind: string, runAt: Date, payload: object, options: ScheduleOptions): Promise<boolean> {
    const manager = options.manager ?? this.dataSource.manager;
    const now = this.clock.now();
    const rows: unknown[] = await manager.query(
      `INSERT INTO "${this.schema}".jobs (key, kind, payload, run_at, max_attempts, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (key) DO NOTHING RETURNING id`,
      [options.key, kind, JSON.stringify(payload), runAt, options.maxAttempts ?? null, now],
    );
    if (rows.length > 0) await this.notify(manager);
    return rows.length > 0;
  }

  /**
   * `schedule` for many jobs of one kind at once (one statement): each key a no-op when it exists.
   * The keys scheduled (new ones only).
   */
  async scheduleMany(
    kind: string,
    runAt: Date,
    jobs: readonly { key: string; payload: object }[],
    options: { manager?: EntityManager } = {},
  ): Promise<string[]> {
    if (jobs.length === 0) return [];
    const manager = options.manager ?? this.dataSource.manager;
    const now = this.clock.now();
    const rows: { key: string }[] = await manager.query(
      `INSERT INTO "${this.schema}".jobs (key, kind, payload, run_at, created_at, updated_at)
       SELECT j.key, $3, j.payload, $4, $5, $5 FROM unnest($1::text[], $2::jsonb[]) AS j(key, payload)
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      [jobs.map((j) => j.key), jobs.map((j) => JSON.stringify(j.payload)), kind, runAt, now],
    );
    if (rows.length > 0) await this.notify(manager);
    return rows.map((r) => r.key);
  }

  /** `cancel` for many keys at once: the pending ones are deleted. The number cancelled. */
  async cancelMany(keys: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<number> {
    if (keys.length === 0) return 0;
    const rows: unknown[] = await manager.query(
      `WITH gone AS (DELETE FROM "${this.schema}".jobs WHERE key = ANY($1::text[]) AND status = 'pending' RETURNING 1)
       SELECT * FROM gone`,
      [keys],
    );
    return rows.length;
  }

  /**
   * Deletes the job of `key` unless it is running or finished (a running attempt completes), which
   * frees the key for a new schedule. True when a pending job was cancelled.
   */
  async cancel(key: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH gone AS (DELETE FROM "${this.schema}".jobs WHERE key = $1 AND status = 'pending' RETURNING 1)
       SELECT * FROM gone`,
      [key],
    );
    return rows.length > 0;
  }

  /**
   * Makes `kind` run on `recurrence`, as one row (key `recurring:<kind>`) however many replicas call
   * this at start. A changed recurrence (another setting deployed) moves the pending run; the same
   * one leaves it alone, so a restart never skips nor doubles a run.
   */
  async recur(kind: string, recurrence: Recurrence, payload: object = {}): Promise<void> {
    const now = this.clock.now();
    const text = recurrenceText(recurrence);
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO "${this.schema}".jobs (key, kind, payload, run_at, recurrence, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (key) DO UPDATE SET run_at = EXCLUDED.run_at, recurrence = EXCLUDED.recurrence,
         payload = EXCLUDED.payload, updated_at = EXCLUDED.updated_at
       WHERE jobs.status = 'pending' AND jobs.recurrence IS DISTINCT FROM EXCLUDED.recurrence
       RETURNING id`,
      [
        `${RECURRING_KEY_PREFIX}${kind}`,
        kind,
        JSON.stringify(payload),
        new Date(nextOccurrence(recurrence, now.getTime())),
        text,
        now,
      ],
    );
    if (rows.length > 0) await this.notify(this.dataSource.manager);
  }

  /** Wakes every replica's runner; inside a transaction PostgreSQL delivers it at commit. */
  private async notify(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [jobsChannel(this.schema), '']);
  }
}
