import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The per-account choice to delete the provider's copy of a recording once ours is verified (off by default). */
export class ProviderRecordingDeletion1795800000000 implements MigrationInterface {
  name = 'ProviderRecordingDeletion1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE ingest.provider_accounts ADD COLUMN delete_provider_recording_after_store boolean NOT NULL DEFAULT false',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ingest.provider_accounts DROP COLUMN delete_provider_recording_after_store');
  }
}
