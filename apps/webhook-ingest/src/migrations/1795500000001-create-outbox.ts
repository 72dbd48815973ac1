import { createOutboxTable, dropOutboxTable } from '@callfleet/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ingest.outbox: events of webhook-ingest's own state changes wait here for the relay. (Ingress
 * events are not among them: they are published before the provider gets its 2xx, and the
 * provider's retry is their durability.)
 */
export class CreateIngestOutbox1795500000001 implements MigrationInterface {
  name = 'CreateIngestOutbox1795500000001';

  async up(q: QueryRunner): Promise<void> {
    await createOutboxTable(q, 'ingest');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropOutboxTable(q, 'ingest');
  }
}
