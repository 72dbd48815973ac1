import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { FLEET_DEFINITIONS } from './fleet-definitions';

/** One process of the local fleet, as `npm start` runs it. */
export interface FleetServiceSpec {
  name: ServiceName;
  defaultPort: number;
  /** Owns a PostgreSQL schema, so it gets DATABASE_URL. */
  usesDatabase: boolean;
  /** Started only when built (dev tools such as the simulator); a missing core service is warned about. */
  optional?: boolean;
  /** Variables only this service reads, given the fleet's data directory. */
  extraEnv?: (dataDir: string) => Record<string, string>;
  /** Extra rows for the printed table, e.g. the gateway's API and Swagger UI. */
  links?: { label: string; path: string }[];
  /** Settings for the local demo that the developer's own environment overrides. */
  demoEnv?: Record<string, string>;
  /** How it finds its peers in compose (`http://<service>:<port>`), re-pointed at the local layout. */
  peerEnv?: Record<string, string>;
}

/** What the summary printed by `npm start` points at besides each service's base URL. */
const SUMMARY_LINKS: Partial<Record<ServiceName, FleetServiceSpec['links']>> = {
  gateway: [
    { label: 'gateway API', path: '/api/v1' },
    { label: 'Swagger UI', path: '/api/docs' },
  ],
};

/**
 * Demo settings per service: the simulator's dev accounts hold 30-90 s (real time), so a newcomer's
 * demo hunt on `npm start` reaches a person within about two minutes (apps/telephony-sim/README.md).
 */
const DEMO_ENV: Partial<Record<ServiceName, Record<string, string>>> = {
  'telephony-sim': { SIM_DEV_HOLD_MIN_SECONDS: '30', SIM_DEV_HOLD_MAX_SECONDS: '90' },
};

/** The fleet process of a service, from its definition. */
export function fleetServiceOf(definition: ServiceDefinition): FleetServiceSpec {
  const keys = definition.deployment?.secretDirectory;
  return {
    name: definition.name,
    defaultPort: definition.port,
    usesDatabase: definition.schema !== undefined,
    // A dev and test tool: started when built, never missed when not.
    optional: definition.deployment?.devOnly,
    links: SUMMARY_LINKS[definition.name],
    demoEnv: DEMO_ENV[definition.name],
    peerEnv: definition.deployment?.composeEnvironment,
    // Secret directories (auth's signing keys) live under the data directory, filled by the service itself.
    extraEnv: keys && ((dataDir) => ({ [keys.env]: join(dataDir, 'keys') })),
  };
}

export const FLEET_SERVICES: readonly FleetServiceSpec[] = FLEET_DEFINITIONS.map(fleetServiceOf);

/** Where `npm run build` puts a service's entry point. */
export function serviceEntry(rootDir: string, name: string): string {
  return join(rootDir, 'dist', 'apps', name, 'src', 'main.js');
}

/** The services that are built, and the core ones that are not (so the caller can say so). */
export function builtServices(
  specs: readonly FleetServiceSpec[],
  rootDir: string,
  exists: (path: string) => boolean = existsSync,
): { runnable: FleetServiceSpec[]; missingCore: string[] } {
  const runnable = specs.filter((s) => exists(serviceEntry(rootDir, s.name)));
  const missingCore = specs.filter((s) => !s.optional && !runnable.includes(s)).map((s) => s.name);
  return { runnable, missingCore };
}

/** The lowest port of the layout (the gateway's): FLEET_PORT_BASE takes its place. */
const PORT_LAYOUT_ORIGIN = Math.min(...FLEET_SERVICES.map((s) => s.defaultPort));

/**
 * A service's HTTP port. FLEET_PORT_BASE moves the whole layout (gateway at the base, the others at
 * their usual offset from it), so a second fleet or a test never collides with a developer's fleet.
 */
export function servicePort(spec: FleetServiceSpec, portBase?: number): number {
  return portBase === undefined ? spec.defaultPort : portBase + (spec.defaultPort - PORT_LAYOUT_ORIGIN);
}

/** Reads FLEET_PORT_BASE; undefined when unset, an error naming the variable when it is not a usable port. */
export function parsePortBase(value: string | undefined, specs: readonly FleetServiceSpec[]): number | undefined {
  if (value === undefined || value === '') return undefined;
  const base = Number(value);
  const highest = Math.max(...specs.map((s) => servicePort(s, 0)));
  if (!Number.isInteger(base) || base < 1024 || base + highest > 65535) {
    throw new Error(`FLEET_PORT_BASE must be an integer from 1024 to ${65535 - highest}, got "${value}"`);
  }
  return base;
}

export interface ChildEnvInput {
  parentEnv: NodeJS.ProcessEnv;
  port: number;
  natsUrl: string;
  /** The service's own NATS password (its user is its name); unset for a service that does not use NATS. */
  natsPassword?: string;
  databaseUrl: string;
  dataDir: string;
  /** FLEET_PORT_BASE: the peers' URLs follow the moved layout (their dev defaults name the usual ports). */
  portBase?: number;
}

/**
 * The peer URLs of a service on a moved layout: each `http://<service>:<its port>` of its compose
 * environment (`ws://` alike) as `…//127.0.0.1:<that service's port at portBase>`; values that name
 * no fleet service (MinIO, flags) are left out, the service's own defaults hold for them.
 */
export function movedPeerEnv(spec: FleetServiceSpec, portBase: number): Record<string, string> {
  const moved: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.peerEnv ?? {})) {
    const peer = /^(\w+:\/\/)([a-z-]+):(\d+)(.*)$/.exec(value);
    const target = peer && FLEET_SERVICES.find((s) => s.name === peer[2] && s.defaultPort === Number(peer[3]));
    if (peer && target) moved[name] = `${peer[1]}127.0.0.1:${servicePort(target, portBase)}${peer[4]}`;
  }
  return moved;
}

/**
 * The environment a service process starts with: the developer's own variables (LOG_LEVEL,
 * CALLFLEET_NAMESPACE, ...) plus what the fleet decided. DATABASE_URL only reaches services that own
 * a schema, so a stateless service cannot grow a hidden dependency on it; each service gets only its
 * own NATS password.
 */
export function childEnv(spec: FleetServiceSpec, input: ChildEnvInput): NodeJS.ProcessEnv {
  const peers = input.portBase === undefined ? {} : movedPeerEnv(spec, input.portBase);
  const env: NodeJS.ProcessEnv = { ...spec.demoEnv, ...peers, ...input.parentEnv };
  // A developer's own NATS credentials (or the file of all of them) must not reach every service.
  for (const name of ['DATABASE_URL', 'NATS_USER', 'NATS_PASSWORD', 'NATS_PASSWORDS_FILE']) delete env[name];
  Object.assign(env, {
    NODE_ENV: input.parentEnv.NODE_ENV || 'development',
    PORT: String(input.port),
    NATS_URL: input.natsUrl,
    ...(input.natsPassword ? { NATS_USER: spec.name, NATS_PASSWORD: input.natsPassword } : {}),
    ...(spec.usesDatabase ? { DATABASE_URL: input.databaseUrl } : {}),
    ...spec.extraEnv?.(input.dataDir),
  });
  return env;
}
