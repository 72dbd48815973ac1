import type { QueryRunner } from 'typeorm';

function quoted(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `"${schema}"`;
}

/**
 * Creates `<schema>.jobs`, the durable jobs and timers of one service. Call it from one of the
 * service's migrations (and `dropJobsTable` from its `down`).
 *
 * One row per key, for good: scheduling a key again is a no-op, whatever state its row is in, so a
 * redelivered "start the timer" never fires it twice. Finished rows are kept for inspection.
 */
export async function createJobsTable(q: QueryRunner, schema: string): Promise<void> {
  const s = quoted(schema);
  await q.query(`
    CREATE TABLE ${s}.jobs (
      id bigserial PRIMARY KEY,
      key text NOT NULL,
      kind text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
      run_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer CHECK (max_attempts IS NULL OR max_attempts > 0),
      recurrence text,
      locked_by text,
      locked_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      finished_at timestamptz,
      CONSTRAINT jobs_key_unique UNIQUE (key)
    )`);
  await q.query(`CREATE INDEX jobs_due_idx ON ${s}.jobs (run_at) WHERE status = 'pending'`);
  await q.query(`CREATE INDEX jobs_lease_idx ON ${s}.jobs (locked_until) WHERE status = 'running'`);
}

export async function dropJobsTable(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`DROP TABLE ${quoted(schema)}.jobs`);
}

/** The NOTIFY channel that wakes a schema's job runners when a job is scheduled. */
export function jobsChannel(schema: string): string {
  return `${schema}_jobs`;
}
