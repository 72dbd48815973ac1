import { createJobsTable, dropJobsTable } from '@callfleet/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable jobs (retention cleanup, RingCentral renewals). A subscription's retry state (failures,
 * next attempt) now lives in its renewal job, so the columns that held it go.
 */
export class DurableJobs1795600000000 implements MigrationInterface {
  name = 'DurableJobs1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await createJobsTable(q, 'ingest');
    await q.query('ALTER TABLE ingest.provider_subscriptions DROP COLUMN failures, DROP COLUMN next_attempt_at');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE ingest.provider_subscriptions
         ADD COLUMN failures integer NOT NULL DEFAULT 0,
         ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now()`,
    );
    await q.query(`CREATE INDEX provider_subscriptions_due_idx ON ingest.provider_subscriptions (next_attempt_at)`);
    await dropJobsTable(q, 'ingest');
  }
}
