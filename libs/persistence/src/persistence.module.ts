import { HealthRegistry, SERVICE_CONFIG } from '@callfleet/platform';
import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import type { DatabaseServiceConfig } from './database-config';
import { PgListener } from './notifications/pg-listener';

export interface SchemaOptions {
  /** The service's own PostgreSQL schema; no other service reads it. */
  schema: string;
  // biome-ignore lint/complexity/noBannedTypes: TypeORM takes entity classes as Function
  entities: MixedList<Function | string | EntitySchema>;
  // biome-ignore lint/complexity/noBannedTypes: TypeORM takes migration classes as Function
  migrations: MixedList<Function | string>;
}

export function createDataSource(url: string, options: SchemaOptions, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: `${options.schema}_migrations`,
    migrationsTransactionMode: 'all',
    synchronize: false,
    extra: { max: poolSize, connectionTimeoutMillis: 3_000 },
  });
}

/**
 * Creates the schema (the migrations table lives in it), then runs pending migrations in one
 * transaction. Replicas starting together would race on both, so the whole step holds a
 * PostgreSQL advisory lock per schema: the first runs the migrations, the others then find none.
 */
export async function migrateSchema(url: string, options: SchemaOptions): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const lockKey = `callfleet-migrations:${options.schema}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replace(/"/g, '')}"`);
    const dataSource = createDataSource(url, options, 1);
    await dataSource.initialize();
    try {
      const ran = await dataSource.runMigrations({ transaction: 'all' });
      return ran.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    await client.end();
  }
}

class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PgListener) private readonly listener: PgListener,
  ) {}

  // After every beforeApplicationShutdown hook: the outbox relay and the job runner have stopped.
  async onApplicationShutdown(): Promise<void> {
    await this.listener.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * The service's TypeORM data source on its own schema: migrations run at start (never
 * `synchronize`), the connection is checked by `/health/ready`, and closed on shutdown.
 */
@Module({})
export class PersistenceModule {
  static forSchema(options: SchemaOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          inject: [SERVICE_CONFIG, HealthRegistry],
          useFactory: async (config: DatabaseServiceConfig, health: HealthRegistry) => {
            const applied = await migrateSchema(config.DATABASE_URL, options);
            if (applied.length) new Logger('Persistence').log(`applied migrations: ${applied.join(', ')}`);
            const dataSource = createDataSource(config.DATABASE_URL, options, config.DATABASE_POOL_SIZE);
            await dataSource.initialize();
            health.register({ name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) });
            return dataSource;
          },
        },
        {
          // One LISTEN connection per process, shared by whatever waits for NOTIFY (outbox relay, job runner).
          provide: PgListener,
          inject: [SERVICE_CONFIG],
          useFactory: (config: DatabaseServiceConfig) => new PgListener(config.DATABASE_URL),
        },
        DatabaseLifecycle,
      ],
      exports: [DataSource, PgListener],
    };
  }
}
