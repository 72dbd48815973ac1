import { createJobsTable, createOutboxTable, dropJobsTable, dropOutboxTable } from '@callfleet/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orchestrator's schema: lines (with their leases), destinations, targets, hunts, legs, calls,
 * each leg's event history, durable jobs and timers, the outbox. Every row carries its org.
 */
export class CreateOrchestratorSchema1796000000001 implements MigrationInterface {
  name = 'CreateOrchestratorSchema1796000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orchestrator.lines (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        provider_account_id uuid NOT NULL,
        provider text NOT NULL,
        -- The provider's own id of the number or extension (Twilio PN sid, RingCentral extension id, ExoPhone sid).
        provider_line_id text NOT NULL,
        number text NOT NULL,
        label text NOT NULL DEFAULT '',
        enabled boolean NOT NULL DEFAULT true,
        pools text[] NOT NULL DEFAULT '{}',
        -- Gone from the provider at the last sync; kept (not deleted) so old legs still name it.
        removed_at timestamptz,
        -- The lease: one hunt holds a line (its current leg named), until given back or expired (a timer reclaims it).
        leased_hunt_id uuid,
        leased_leg_id uuid,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lines_provider_line_unique UNIQUE (org_id, provider_account_id, provider_line_id),
        CONSTRAINT lines_lease_whole CHECK ((leased_hunt_id IS NULL) = (lease_expires_at IS NULL) AND (leased_leg_id IS NULL OR leased_hunt_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX lines_org_page_idx ON orchestrator.lines (org_id, created_at, id)`);
    await q.query(
      `CREATE INDEX lines_org_free_idx ON orchestrator.lines (org_id, provider_account_id) WHERE leased_hunt_id IS NULL AND enabled AND removed_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX lines_lease_expiry_idx ON orchestrator.lines (lease_expires_at) WHERE leased_hunt_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE orchestrator.destinations (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('phone', 'sip')),
        number text,
        send_digits text,
        uri text,
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT destinations_kind_fields CHECK (
          (kind = 'phone' AND number IS NOT NULL AND uri IS NULL) OR
          (kind = 'sip' AND uri IS NOT NULL AND number IS NULL AND send_digits IS NULL))
      )`);
    // One default per org.
    await q.query(
      `CREATE UNIQUE INDEX destinations_one_default_idx ON orchestrator.destinations (org_id) WHERE is_default`,
    );
    await q.query(`CREATE INDEX destinations_org_page_idx ON orchestrator.destinations (org_id, created_at, id)`);

    await q.query(`
      CREATE TABLE orchestrator.targets (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        name text NOT NULL,
        phone_number text NOT NULL,
        ivr_script jsonb NOT NULL DEFAULT '[]',
        recommended_lines integer NOT NULL DEFAULT 6 CHECK (recommended_lines BETWEEN 1 AND 70),
        -- {"timeZone", "windows": [{"days": [1..7], "from": "HH:MM", "to": "HH:MM"}]} or null (any time).
        calling_hours jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX targets_org_page_idx ON orchestrator.targets (org_id, created_at, id)`);

    await q.query(`
      CREATE TABLE orchestrator.hunts (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        target_id uuid,
        phone_number text NOT NULL,
        ivr_script jsonb NOT NULL DEFAULT '[]',
        destination_id uuid,
        -- The destination as it was when the hunt started (a later edit does not redirect a running hunt).
        destination jsonb NOT NULL,
        provider_account_id uuid NOT NULL,
        line_count integer NOT NULL CHECK (line_count BETWEEN 1 AND 70),
        stagger_ms integer NOT NULL,
        max_duration_minutes integer NOT NULL,
        redial jsonb NOT NULL,
        detection jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'transferring', 'connected', 'failed', 'exhausted', 'cancelled')),
        end_reason text,
        -- The one winner: set by one conditional update (only while NULL); the fence numbers its transfer.
        winner_leg_id uuid,
        winner_fence bigint,
        won_at timestamptz,
        transfer_status text,
        transfer_attempts integer NOT NULL DEFAULT 0,
        connected_at timestamptz,
        created_by uuid,
        deadline_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz
      )`);
    await q.query(`CREATE INDEX hunts_org_page_idx ON orchestrator.hunts (org_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX hunts_org_target_idx ON orchestrator.hunts (org_id, target_id, created_at)`);
    await q.query(
      `CREATE INDEX hunts_running_idx ON orchestrator.hunts (status) WHERE status IN ('running', 'transferring')`,
    );

    await q.query(`
      CREATE TABLE orchestrator.calls (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        hunt_id uuid,
        leg_id uuid,
        provider text NOT NULL,
        provider_account_id uuid NOT NULL,
        account_key text NOT NULL,
        -- Known once the provider accepted the request; the call-flow and callbacks find the call by it.
        provider_call_id text,
        direction text NOT NULL DEFAULT 'outbound',
        from_number text NOT NULL,
        to_number text NOT NULL,
        status text NOT NULL,
        record boolean NOT NULL DEFAULT false,
        stream jsonb,
        -- The newest provider event applied (sequence number and time): an older one never moves it back.
        provider_sequence bigint,
        provider_event_at timestamptz,
        -- The idempotency key of the dial request, stored before the request leaves.
        dial_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        answered_at timestamptz,
        ended_at timestamptz,
        end_reason text,
        CONSTRAINT calls_dial_key_unique UNIQUE (dial_key)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX calls_provider_call_idx ON orchestrator.calls (provider, account_key, provider_call_id) WHERE provider_call_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX calls_org_page_idx ON orchestrator.calls (org_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE orchestrator.legs (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        hunt_id uuid NOT NULL,
        line_id uuid NOT NULL,
        call_id uuid,
        attempt integer NOT NULL CHECK (attempt >= 1),
        status text NOT NULL CHECK (status IN ('dialing', 'ringing', 'ivr', 'holding', 'human', 'transferring', 'connected', 'ended', 'failed')),
        end_reason text,
        -- The next IVR step to run (0-based), moved on by one conditional update per step.
        ivr_step integer NOT NULL DEFAULT 0,
        detection jsonb,
        started_at timestamptz NOT NULL DEFAULT now(),
        answered_at timestamptz,
        human_at timestamptz,
        ended_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT legs_attempt_unique UNIQUE (hunt_id, line_id, attempt)
      )`);
    await q.query(`CREATE INDEX legs_hunt_idx ON orchestrator.legs (hunt_id, started_at)`);
    await q.query(`CREATE INDEX legs_call_idx ON orchestrator.legs (call_id)`);

    await q.query(`
      CREATE TABLE orchestrator.leg_events (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL,
        hunt_id uuid,
        leg_id uuid,
        call_id uuid,
        at timestamptz NOT NULL DEFAULT now(),
        source text NOT NULL CHECK (source IN ('provider', 'media', 'manual', 'engine')),
        kind text NOT NULL,
        confidence double precision,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX leg_events_leg_idx ON orchestrator.leg_events (leg_id, id)`);
    await q.query(`CREATE INDEX leg_events_call_idx ON orchestrator.leg_events (call_id, id)`);

    await createJobsTable(q, 'orchestrator');
    await createOutboxTable(q, 'orchestrator');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropOutboxTable(q, 'orchestrator');
    await dropJobsTable(q, 'orchestrator');
    for (const table of ['leg_events', 'legs', 'calls', 'hunts', 'targets', 'destinations', 'lines']) {
      await q.query(`DROP TABLE orchestrator.${table}`);
    }
  }
}
