import { TestDatabase } from '@callfleet/testing';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrateSchema } from '../src';

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE "widgets"."widgets" (id int PRIMARY KEY)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "widgets"."widgets"');
  }
}

class AddWidgetName1700000000001 implements MigrationInterface {
  name = 'AddWidgetName1700000000001';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "widgets"."widgets" ADD COLUMN name text');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "widgets"."widgets" DROP COLUMN name');
  }
}

describe('migrateSchema', () => {
  let db: TestDatabase;
  const options = {
    schema: 'widgets',
    entities: [],
    migrations: [CreateWidgets1700000000000, AddWidgetName1700000000001],
  };

  beforeAll(async () => {
    db = await TestDatabase.create();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('runs each migration once when several replicas start at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => migrateSchema(db.url, options)));
    expect(results.flat().sort()).toEqual(['AddWidgetName1700000000001', 'CreateWidgets1700000000000']);
    const applied = await db.query<{ name: string }>('SELECT name FROM "widgets"."widgets_migrations" ORDER BY id');
    expect(applied.map((m) => m.name)).toEqual(['CreateWidgets1700000000000', 'AddWidgetName1700000000001']);
    expect(await migrateSchema(db.url, options)).toEqual([]);
  });
});
