import { maskUrlPassword } from './console-output';
import { EmbeddedPostgresServer } from './embedded-postgres';
import type { FleetSettings } from './fleet-settings';

/** The PostgreSQL the fleet's services use: DATABASE_URL when given, else the embedded one. */
export interface FleetDatabase {
  url: string;
  /** For the printed table: the URL without its password, and where it comes from. */
  description: string;
  stop(): Promise<void>;
}

export async function openFleetDatabase(settings: FleetSettings, log: (line: string) => void): Promise<FleetDatabase> {
  if (settings.databaseUrl) {
    log(`PostgreSQL: using DATABASE_URL ${maskUrlPassword(settings.databaseUrl)}`);
    return {
      url: settings.databaseUrl,
      description: `${maskUrlPassword(settings.databaseUrl)} (DATABASE_URL)`,
      stop: async () => undefined,
    };
  }
  const server = await EmbeddedPostgresServer.start({
    dataRoot: settings.dataDir,
    port: settings.embeddedPgPort,
    log,
  });
  return {
    url: server.url(),
    description: `${maskUrlPassword(server.url())} (embedded, data in ${server.pgDir})`,
    stop: () => server.stop(),
  };
}
