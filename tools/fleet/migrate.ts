import 'reflect-metadata';
import { migrateSchema } from '@callfleet/persistence';
import { openFleetDatabase } from './fleet-database';
import { FLEET_SCHEMAS } from './fleet-schemas';
import { findRootDir, readFleetSettings } from './fleet-settings';

/**
 * `npm run migrate`: runs the pending migrations of every service's schema, each in one
 * transaction, against DATABASE_URL or the embedded PostgreSQL (started for the run and stopped
 * again, unless it was already running, e.g. under `npm start`). Services also migrate their own
 * schema at start; this is for deploy pipelines and for looking at the tables before starting.
 */
function say(line: string): void {
  process.stdout.write(`migrate | ${line}\n`);
}

async function main(): Promise<number> {
  const settings = readFleetSettings(process.env, findRootDir(__dirname));
  const database = await openFleetDatabase(settings, say);
  try {
    for (const schema of FLEET_SCHEMAS) {
      const applied = await migrateSchema(database.url, schema);
      say(`${schema.schema}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
    }
    return 0;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A migration that fails names itself in its message; a stack would only bury that line.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`migrate | failed: ${message}\n`);
    process.exit(1);
  },
);
