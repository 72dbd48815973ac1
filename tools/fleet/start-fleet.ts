import 'reflect-metadata';
import { fleetInboxPrefix } from '@callfleet/platform';
import { DEFAULT_TEAM_USERS, natsPasswordEnv, natsUserNames } from '../nats/nats-server-config';
import { renderFleetSummary, type TeamAccess } from './console-output';
import { type FleetDatabase, openFleetDatabase } from './fleet-database';
import { FLEET_DEFINITIONS } from './fleet-definitions';
import { builtServices, childEnv, FLEET_SERVICES, serviceEntry, servicePort } from './fleet-services';
import { type FleetSettings, findRootDir, readFleetSettings } from './fleet-settings';
import { canConnect, type FleetNats, startFleetNats } from './local-nats';
import { FleetError } from './process-control';
import { ServiceProcess, waitForReadiness } from './service-processes';

/**
 * `npm start`: the whole fleet on one machine with laptop defaults. Its own nats-server with the
 * generated users and permissions (or the broker of NATS_URL, with NATS_PASSWORDS_FILE), PostgreSQL
 * from DATABASE_URL (or an embedded one under .data/), then
 * every built service as its own Node process; prints the URLs once all are ready. Ctrl-C or
 * SIGTERM stops the services first (they finish in-flight work), then PostgreSQL, then NATS.
 * Variables: tools/fleet/README.md.
 */

function say(line: string): void {
  process.stdout.write(`fleet | ${line}\n`);
}

function complain(line: string): void {
  process.stderr.write(`fleet | ${line}\n`);
}

class Aborted extends Error {}

/** The team user the summary tells other teams about (the generated config's default one). */
const [TEAM_USER] = DEFAULT_TEAM_USERS;

/** What the summary tells another team, when the fleet knows the team user's password. */
function teamAccess(nats: FleetNats): TeamAccess | undefined {
  if (!nats.passwords[TEAM_USER]) return undefined;
  return {
    natsUrl: nats.url,
    user: TEAM_USER,
    passwordsFile: nats.passwordsFile,
    passwordVariable: natsPasswordEnv(TEAM_USER),
    inboxPrefix: fleetInboxPrefix(TEAM_USER),
  };
}

async function portsInUse(wanted: { name: string; port: number }[]): Promise<{ name: string; port: number }[]> {
  const answers = await Promise.all(wanted.map((w) => canConnect('127.0.0.1', w.port)));
  return wanted.filter((_, i) => answers[i]);
}

class Fleet {
  private nats?: FleetNats;
  private database?: FleetDatabase;
  private services: ServiceProcess[] = [];
  private currentStep?: Promise<void>;
  private stopping?: Promise<void>;
  private ready = false;
  exitCode = 0;

  constructor(private readonly settings: FleetSettings) {}

  /** Runs one start-up step so that a stop requested meanwhile waits for it and cleans up what it made. */
  private async step(work: () => Promise<void>): Promise<void> {
    if (this.stopping) throw new Aborted();
    this.currentStep = work();
    await this.currentStep;
    if (this.stopping) throw new Aborted();
  }

  async start(): Promise<void> {
    const { settings } = this;
    const { runnable, missingCore } = builtServices(FLEET_SERVICES, settings.rootDir);
    for (const name of missingCore) {
      complain(`${name} is not built (no ${serviceEntry(settings.rootDir, name)}); starting the fleet without it`);
    }
    if (runnable.length === 0) throw new FleetError('no service is built; run `npm run build` first');
    const taken = await portsInUse(
      runnable.map((spec) => ({ name: spec.name, port: servicePort(spec, settings.portBase) })),
    );
    if (taken.length) {
      throw new FleetError(
        `port ${taken.map((t) => `${t.port} (${t.name})`).join(', ')} already in use: is another fleet running? ` +
          'Stop it, or set FLEET_PORT_BASE to move every port (e.g. FLEET_PORT_BASE=13000).',
      );
    }
    const natsUsers = new Set(natsUserNames(FLEET_DEFINITIONS, []));
    await this.step(async () => {
      this.nats = await startFleetNats({
        settings: settings.nats,
        dataDir: settings.dataDir,
        definitions: FLEET_DEFINITIONS,
        services: runnable.map((spec) => spec.name).filter((name) => natsUsers.has(name)),
        namespace: process.env.CALLFLEET_NAMESPACE ?? '',
        log: say,
        onUnexpectedExit: (what) =>
          complain(`${what}; services stay up but are not ready until a broker answers at ${settings.nats.url}`),
      });
    });
    await this.step(async () => {
      this.database = await openFleetDatabase(settings, say);
    });
    await this.step(async () => {
      this.services = runnable.map((spec) => {
        const port = servicePort(spec, settings.portBase);
        const service = new ServiceProcess({
          name: spec.name,
          entry: serviceEntry(settings.rootDir, spec.name),
          baseUrl: `http://localhost:${port}`,
          env: childEnv(spec, {
            parentEnv: process.env,
            port,
            natsUrl: settings.nats.url,
            natsPassword: this.nats?.passwords[spec.name],
            databaseUrl: this.database?.url ?? '',
            dataDir: settings.dataDir,
            portBase: settings.portBase,
          }),
          onUnexpectedExit: (s, description) => this.onUnexpectedExit(s, description),
        });
        say(`started ${spec.name} (pid ${service.pid}) on port ${port}`);
        return service;
      });
    });
    const outcome = await waitForReadiness(this.services, settings.readyTimeoutMs, () => this.stopping !== undefined);
    if (!outcome.ready) {
      if (outcome.reason === 'aborted') throw new Aborted();
      if (outcome.reason === 'exited') {
        throw new FleetError(`${outcome.exited.join(', ')} exited before being ready; see its log above`);
      }
      const which = outcome.notReady.map((s) => `  ${s.name}: ${s.detail}`).join('\n');
      throw new FleetError(
        `not ready after ${settings.readyTimeoutMs} ms (GET /health/ready):\n${which}\nsee the service logs above`,
      );
    }
    this.ready = true;
    process.stdout.write(
      renderFleetSummary({
        services: this.services.map((s) => ({
          name: s.name,
          baseUrl: s.baseUrl,
          pid: s.pid,
          links: runnable.find((spec) => spec.name === s.name)?.links,
        })),
        nats: `${settings.nats.url}${this.nats?.process ? ` (nats-server pid ${this.nats.process.pid}, started here)` : ''}`,
        team: this.nats && teamAccess(this.nats),
        database: this.database?.description ?? '',
      }),
    );
    say(`ready: ${this.services.length} services (${this.services.map((s) => s.name).join(', ')}); Ctrl-C stops them`);
  }

  /**
   * A service that dies after start-up is reported and the others keep running: stopping one service
   * on purpose (kill <pid>) is how one watches the rest degrade (readiness 503, SERVICE_UNAVAILABLE),
   * as replicas in Kubernetes do not take each other down. Before start-up completes the fleet stops
   * instead, since it could never become ready; and when none is left it stops too.
   */
  private onUnexpectedExit(service: ServiceProcess, description: string): void {
    if (this.stopping) return;
    if (!this.ready) {
      complain(`${service.name} exited during start-up (${description})`);
      return;
    }
    const left = this.services.filter((s) => s.isRunning());
    complain(
      `${service.name} (pid ${service.pid}) stopped unexpectedly (${description}); ` +
        `${left.length} services keep running. Restart the fleet to bring it back.`,
    );
    if (left.length === 0) {
      this.exitCode = 1;
      void this.stop().then(() => process.exit(this.exitCode));
    }
  }

  /** Services first (in parallel, each finishing its in-flight work), then PostgreSQL, then NATS. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.currentStep?.catch(() => undefined);
      const running = this.services.filter((s) => s.isRunning());
      if (running.length) say(`stopping ${running.map((s) => s.name).join(', ')}`);
      await Promise.all(this.services.map((s) => s.stop(this.settings.stopTimeoutMs)));
      try {
        await this.database?.stop();
      } catch (error) {
        complain((error as Error).message);
        this.exitCode = 1;
      }
      await this.nats?.stop();
      say('stopped');
    })();
    return this.stopping;
  }

  /** Second Ctrl-C: no more waiting for the services. */
  killServicesNow(): void {
    for (const service of this.services) service.killNow();
  }
}

async function main(): Promise<void> {
  let settings: FleetSettings;
  try {
    settings = readFleetSettings(process.env, findRootDir(__dirname));
  } catch (error) {
    complain((error as Error).message);
    process.exit(1);
  }
  const fleet = new Fleet(settings);
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      // One Ctrl-C can arrive twice: from the terminal and relayed by npm (when its shell execs us).
      if (Date.now() - firstSignalAt < 1_000) return;
      complain(`${signal} again: killing the services without waiting`);
      fleet.killServicesNow();
      return;
    }
    firstSignalAt = Date.now();
    say(`${signal}: stopping the fleet (press Ctrl-C again to kill the services at once)`);
    void fleet.stop().then(() => process.exit(fleet.exitCode));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  process.on('uncaughtException', (error) => {
    complain(`unexpected error: ${error.stack ?? error.message}`);
    fleet.exitCode = 1;
    void fleet.stop().then(() => process.exit(1));
  });

  try {
    await fleet.start();
  } catch (error) {
    if (error instanceof Aborted) return; // a signal is stopping the fleet
    complain(error instanceof FleetError ? error.message : `failed to start: ${(error as Error).stack ?? error}`);
    fleet.exitCode = 1;
    await fleet.stop();
    process.exit(1);
  }
}

void main();
