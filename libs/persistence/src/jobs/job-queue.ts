import type { DataSource, EntityManager } from 'typeorm';

/** A job claimed by one runner: it holds the lease until `locked_until`, fenced by (lockedBy, attempt). */
export interface ClaimedJob {
  id: string;
  key: string;
  kind: string;
  payload: unknown;
  attempt: number;
  maxAttempts: number | null;
  recurrence: string | null;
  lockedBy: string;
}

interface ClaimedRow {
  id: string;
  key: string;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number | null;
  recurrence: string | null;
}

function claimedJob(row: ClaimedRow, lockedBy: string): ClaimedJob {
  return {
    id: String(row.id),
    key: row.key,
    kind: row.kind,
    payload: row.payload,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
    recurrence: row.recurrence,
    lockedBy,
  };
}

/** The lease holder lost the job (its lease expired and another runner claimed it): its result is void. */
export class LeaseLostError extends Error {
  constructor(job: ClaimedJob) {
    super(`lease of job ${job.key} (attempt ${job.attempt}) was lost`);
  }
}

/** The SQL of claiming, finishing and failing jobs. Every write after the claim is fenced by the lease. */
export class JobQueue {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `"${schema}".jobs`;
  }

  /**
   * Claims up to `limit` due jobs of `kinds` (pending and due, or running with an expired lease: its
   * runner died), in one statement any number of replicas can run at once: SKIP LOCKED hands each
   * row to one of them.
   */
  async claim(kinds: string[], lockedBy: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedJob[]> {
    const rows: ClaimedRow[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE ${this.table} SET status = 'running', attempts = attempts + 1, locked_by = $2,
           locked_until = $4, updated_at = $3
         WHERE id IN (
           SELECT id FROM ${this.table}
           WHERE kind = ANY($1) AND ((status = 'pending' AND run_at <= $3) OR (status = 'running' AND locked_until <= $3))
           ORDER BY run_at LIMIT $5 FOR UPDATE SKIP LOCKED)
         RETURNING id, key, kind, payload, attempts, max_attempts, recurrence)
       SELECT * FROM claimed`,
      [kinds, lockedBy, now, leaseUntil, limit],
    );
    return rows.map((row) => claimedJob(row, lockedBy));
  }

  /**
   * Claims the one job `key` as `claim` would, when it is of `kinds`, pending and due. A runner's
   * poll holding or having taken the row wins: this waits on its lock, then finds it no longer
   * pending (undefined).
   */
  async claimByKey(
    key: string,
    kinds: string[],
    lockedBy: string,
    now: Date,
    leaseUntil: Date,
  ): Promise<ClaimedJob | undefined> {
    const rows: ClaimedRow[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE ${this.table} SET status = 'running', attempts = attempts + 1, locked_by = $3,
           locked_until = $5, updated_at = $4
         WHERE key = $1 AND kind = ANY($2) AND status = 'pending' AND run_at <= $4
         RETURNING id, key, kind, payload, attempts, max_attempts, recurrence)
       SELECT * FROM claimed`,
      [key, kinds, lockedBy, now, leaseUntil],
    );
    return rows[0] && claimedJob(rows[0], lockedBy);
  }

  /** The lease holder is still at work: pushes its lease out. False when the lease was lost. */
  async extendLease(job: ClaimedJob, leaseUntil: Date): Promise<boolean> {
    return (await this.fenced(this.dataSource.manager, job, 'locked_until = $3', [leaseUntil])) > 0;
  }

  /** Done, or (`runAgainAt`) pending again as a fresh job, in `manager`'s transaction when it has one. */
  async finish(manager: EntityManager, job: ClaimedJob, now: Date, runAgainAt?: Date): Promise<void> {
    const changed = runAgainAt
      ? await this.fenced(
          manager,
          job,
          `status = 'pending', run_at = $3, attempts = 0, last_error = NULL, locked_by = NULL, locked_until = NULL, updated_at = $4`,
          [runAgainAt, now],
        )
      : await this.fenced(
          manager,
          job,
          `status = 'done', last_error = NULL, locked_by = NULL, locked_until = NULL, updated_at = $3, finished_at = $3`,
          [now],
        );
    if (changed === 0) throw new LeaseLostError(job);
  }

  /** Pending again at `retryAt`, keeping the attempt count (or starting over at a recurring job's next run). */
  async retry(job: ClaimedJob, now: Date, retryAt: Date, error: string, freshAttempts: boolean): Promise<boolean> {
    const attempts = freshAttempts ? ', attempts = 0' : '';
    return (
      (await this.fenced(
        this.dataSource.manager,
        job,
        `status = 'pending', run_at = $3, last_error = $4, locked_by = NULL, locked_until = NULL, updated_at = $5${attempts}`,
        [retryAt, error, now],
      )) > 0
    );
  }

  async fail(job: ClaimedJob, now: Date, error: string): Promise<boolean> {
    return (
      (await this.fenced(
        this.dataSource.manager,
        job,
        `status = 'failed', last_error = $3, locked_by = NULL, locked_until = NULL, updated_at = $4, finished_at = $4`,
        [error, now],
      )) > 0
    );
  }

  /** When a runner should look again: the earliest pending run or running lease of `kinds`. */
  async nextWakeAt(kinds: string[]): Promise<Date | undefined> {
    const [row]: { at: Date | null }[] = await this.dataSource.query(
      `SELECT least(
         (SELECT min(run_at) FROM ${this.table} WHERE status = 'pending' AND kind = ANY($1)),
         (SELECT min(locked_until) FROM ${this.table} WHERE status = 'running' AND kind = ANY($1))) AS at`,
      [kinds],
    );
    return row?.at ?? undefined;
  }

  /** The earliest run of any kind that is due and not being run (pending, or its runner's lease ran out). */
  async oldestDueAt(now: Date): Promise<Date | undefined> {
    const [row]: { at: Date | null }[] = await this.dataSource.query(
      `SELECT least(
         (SELECT min(run_at) FROM ${this.table} WHERE status = 'pending' AND run_at <= $1),
         (SELECT min(locked_until) FROM ${this.table} WHERE status = 'running' AND locked_until <= $1)) AS at`,
      [now],
    );
    return row?.at ?? undefined;
  }

  private async fenced(manager: EntityManager, job: ClaimedJob, set: string, params: unknown[]): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH changed AS (
         UPDATE ${this.table} SET ${set}
         WHERE id = $1 AND status = 'running' AND locked_by = $2 AND attempts = ${Number(job.attempt)}
         RETURNING 1)
       SELECT * FROM changed`,
      [job.id, job.lockedBy, ...params],
    );
    return rows.length;
  }
}
