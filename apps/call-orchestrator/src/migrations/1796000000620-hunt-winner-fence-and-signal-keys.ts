import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The win's durable parts: a sequence that numbers every winner's fence (across hunts: a fence is never
 * reused, so a transfer of an old fence can always be told from the current one), and a key per
 * detection signal in the leg's history, unique, so a redelivered JetStream message (or a repeated AMD
 * callback) finds its row there and has no second effect.
 */
export class HuntWinnerFenceAndSignalKeys1796000000620 implements MigrationInterface {
  name = 'HuntWinnerFenceAndSignalKeys1796000000620';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE orchestrator.hunt_winner_fence AS bigint START 1`);
    await q.query(`ALTER TABLE orchestrator.leg_events ADD COLUMN signal_key text`);
    await q.query(
      `CREATE UNIQUE INDEX leg_events_signal_key_idx ON orchestrator.leg_events (org_id, signal_key) WHERE signal_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orchestrator.leg_events_signal_key_idx`);
    await q.query(`ALTER TABLE orchestrator.leg_events DROP COLUMN signal_key`);
    await q.query(`DROP SEQUENCE orchestrator.hunt_winner_fence`);
  }
}
