import { createJobsTable, createOutboxTable, dropJobsTable, dropOutboxTable } from '@callfleet/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The recordings schema: recordings and their copy state, per-org retention, durable jobs, the outbox. */
export class CreateRecordingsSchema1795700000001 implements MigrationInterface {
  name = 'CreateRecordingsSchema1795700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recordings.recordings (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        provider text NOT NULL,
        account_key text NOT NULL,
        provider_recording_id text NOT NULL,
        provider_call_id text NOT NULL,
        call_id uuid,
        hunt_id uuid,
        source_url text NOT NULL,
        format text NOT NULL CHECK (format IN ('wav', 'mp3')),
        state text NOT NULL CHECK (state IN ('pending', 'downloading', 'stored', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        object_key text NOT NULL,
        content_type text,
        bytes bigint,
        sha256 text,
        duration_sec double precision,
        provider_duration_sec double precision,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        stored_at timestamptz,
        -- The idempotency of intake: one row per provider recording, however often its event comes.
        CONSTRAINT recordings_provider_recording_unique UNIQUE (account_key, provider_recording_id),
        -- A stored row always names its object's size and checksum.
        CONSTRAINT recordings_stored_verified CHECK (state <> 'stored' OR (bytes IS NOT NULL AND sha256 IS NOT NULL))
      )`);
    // Cursor pages of one org, newest first.
    await q.query(`CREATE INDEX recordings_org_page_idx ON recordings.recordings (org_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX recordings_org_call_idx ON recordings.recordings (org_id, provider_call_id)`);
    // Metrics (by state, oldest pending) and retention.
    await q.query(`CREATE INDEX recordings_state_idx ON recordings.recordings (state, created_at)`);

    await q.query(`
      CREATE TABLE recordings.org_retention (
        org_id uuid PRIMARY KEY,
        retention_days integer NOT NULL CHECK (retention_days >= 1)
      )`);

    await createJobsTable(q, 'recordings');
    await createOutboxTable(q, 'recordings');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropOutboxTable(q, 'recordings');
    await dropJobsTable(q, 'recordings');
    await q.query('DROP TABLE recordings.org_retention');
    await q.query('DROP TABLE recordings.recordings');
  }
}
