import { createOutboxTable, dropOutboxTable } from '@callfleet/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** auth.outbox: auth's events (user-registered, notification-requested) wait here for the relay. */
export class CreateAuthOutbox1795400000001 implements MigrationInterface {
  name = 'CreateAuthOutbox1795400000001';

  async up(q: QueryRunner): Promise<void> {
    await createOutboxTable(q, 'auth');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropOutboxTable(q, 'auth');
  }
}
