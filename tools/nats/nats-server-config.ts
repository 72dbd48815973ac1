import * as contracts from '@callfleet/contracts';
import { type EventDescriptor, teamExportSubject } from '@callfleet/contracts';
import {
  type EffectiveNatsUsage,
  fleetInboxPrefix,
  natsUsageOf,
  type ServiceDefinition,
  SubjectNamespace,
} from '@callfleet/platform';

export interface NatsServerConfigOptions {
  /** CALLFLEET_NAMESPACE of the fleet using this broker ('' in production). */
  namespace?: string;
  serverName?: string;
  /** "host:port" clients connect to, e.g. "127.0.0.1:4223" or "0.0.0.0:4222". */
  listen: string;
  /** HTTP monitoring port (/healthz), optional. */
  monitorPort?: number;
  /** JetStream store directory. */
  storeDir: string;
  /**
   * Users' passwords: literal ones (npm start, the drill, tests) or, for compose and Kubernetes,
   * env references `$NATS_PASSWORD_<USER>` that nats-server resolves from its environment.
   */
  passwords: { kind: 'literal'; byUser: Readonly<Record<string, string>> } | { kind: 'env' };
  /** Users of the TEAMS account (other teams); default ['team']. */
  teamUsers?: readonly string[];
  cluster?: { name: string; listen: string; routes: readonly string[] };
  tls?: { certFile: string; keyFile: string; caFile?: string };
}

/** The account of the fleet's services (JetStream on) and the one of other teams (public commands and events only). */
export const FLEET_ACCOUNT = 'FLEET';
export const TEAMS_ACCOUNT = 'TEAMS';
export const DEFAULT_TEAM_USERS: readonly string[] = ['team'];

/** What one user may publish and subscribe to (subscribe entries may be "subject queue"). */
export interface NatsUserPermissions {
  publish: string[];
  subscribe: string[];
  /** Publishes refused although an allow entry matches them (deny wins in nats-server). */
  publishDeny?: string[];
}

/** A durable consumer of the fleet: which stream it reads and its name. */
export interface FleetDurable {
  stream: string;
  durable: string;
}

/** Every user the config defines: one per fleet service that uses NATS (user name = service name), then the team users. */
export function natsUserNames(
  definitions: readonly ServiceDefinition[],
  teamUsers: readonly string[] = DEFAULT_TEAM_USERS,
): string[] {
  return [...fleetDefinitions(definitions).map((d) => d.name), ...teamUsers];
}

/** `NATS_PASSWORD_<USER>` (upper snake), the env var the `env` password kind references. */
export function natsPasswordEnv(user: string): string {
  return `NATS_PASSWORD_${user.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
}

function fleetDefinitions(definitions: readonly ServiceDefinition[]): readonly ServiceDefinition[] {
  return definitions.filter((d) => d.nats !== undefined);
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** The JetStream API (and ack / flow-control) subjects one stream's owner uses. */
function streamAdminSubjects(stream: string): string[] {
  return [`$JS.API.STREAM.INFO.${stream}`, `$JS.API.STREAM.CREATE.${stream}`, `$JS.API.STREAM.UPDATE.${stream}`];
}

/**
 * A durable pull consumer: created with its filter subject (2.9's `CREATE.<stream>.<durable>.<filter>`,
 * or without one), read, pulled from and acked.
 */
function durableConsumerSubjects(stream: string, durable: string): string[] {
  return [
    `$JS.API.CONSUMER.CREATE.${stream}.${durable}`,
    `$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`,
    `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `$JS.ACK.${stream}.${durable}.>`,
  ];
}

/**
 * A KV bucket: made or opened (its stream), written (`$KV.<bucket>.>`), read (direct gets, or a
 * stream message get when the bucket was made without direct access), and watched (an ordered
 * consumer the client names itself, with flow control).
 */
function kvBucketSubjects(bucket: string): string[] {
  const stream = `KV_${bucket}`;
  return [
    ...streamAdminSubjects(stream),
    `$KV.${bucket}.>`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}.>`,
    `$JS.FC.${stream}.>`,
  ];
}

/**
 * A live reader (`follows`): ordered consumers the client names itself (`<random>_<n>`), so only the
 * name token can be a wildcard. It may create them on its declared filter only (2.9's
 * `CREATE.<stream>.<name>.<filter>`: the server checks the filter in the subject against the config),
 * pull from and delete them, and read the stream's info (its last sequence, where a feed starts).
 */
function followSubjects(stream: string, filter: string): string[] {
  return [
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}.*.${filter}`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`,
    `$JS.API.CONSUMER.DELETE.${stream}.*`,
  ];
}

/**
 * What the wildcard name token of `followSubjects` would also allow and must not: creating (in 2.9,
 * also updating), pulling from or deleting another service's durable on the same stream, which would
 * take its messages or stop its work.
 */
function othersDurableSubjects(stream: string, durable: string): string[] {
  return [
    `$JS.API.CONSUMER.CREATE.${stream}.${durable}`,
    `$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `$JS.API.CONSUMER.DELETE.${stream}.${durable}`,
  ];
}

/** Every durable consumer the fleet's definitions declare. */
export function fleetDurables(definitions: readonly ServiceDefinition[]): FleetDurable[] {
  return fleetDefinitions(definitions).flatMap((d) =>
    natsUsageOf(d).consumes.map(({ event, durable }) => ({ stream: event.stream, durable })),
  );
}

/** Discovery (`$SRV.PING|INFO|STATS`, plain, `.<name>` and `.<name>.<id>`), as ServiceDiscovery answers it. */
function discoverySubjects(service: string): string[] {
  return ['$SRV.*', `$SRV.*.${service}`, `$SRV.*.${service}.*`];
}

/**
 * Where a service answering commands may reply. `allow_responses` alone is not enough on a cluster:
 * it lets a connection answer only requests *it* received, so a service whose node died, and which
 * reconnected to another while a request was in its hands, could not answer it (the caller waited for
 * its timeout). Fleet inboxes (`_INBOX.<service>.…`) and the reply subjects of team requests (`_R_.…`,
 * made by the TEAMS import) live in the fleet's own account; another team's inbox is in the TEAMS
 * account and cannot be reached from here. A fleet user is trusted with identity headers already, so
 * answering a fleet caller it was not asked by adds nothing it could not do; reading replies, which
 * would, stays limited to its own inbox.
 */
function replySubjects(): string[] {
  return ['_INBOX.>', '_R_.>'];
}

/**
 * A fleet service's permissions, from its effective usage; `durables` are the fleet's durable
 * consumers, which a live reader of their stream must not reach through its wildcard.
 */
export function fleetUserPermissions(
  service: string,
  usage: EffectiveNatsUsage,
  ns: SubjectNamespace,
  durables: readonly FleetDurable[] = [],
): NatsUserPermissions {
  const consumerSubjects = usage.consumes.flatMap(({ event, durable }) =>
    durableConsumerSubjects(ns.stream(event.stream), durable),
  );
  const publish = [
    ...usage.calls.map((command) => ns.subject(command.subject)),
    ...usage.publishes.map((subject) => ns.subject(subject)),
    ...usage.core.publishes.map((subject) => ns.subject(subject)),
    ...(usage.streams.length + usage.consumes.length + usage.kv.length + usage.follows.length > 0
      ? ['$JS.API.INFO']
      : []),
    ...usage.streams.flatMap((stream) => streamAdminSubjects(ns.stream(stream))),
    ...consumerSubjects,
    ...usage.follows.flatMap(({ stream, subject }) => followSubjects(ns.stream(stream), ns.subject(subject))),
    ...usage.kv.flatMap((bucket) => kvBucketSubjects(ns.bucket(bucket))),
    ...(usage.serves.length > 0 ? replySubjects() : []),
  ];
  const subscribe = [
    ...usage.serves.map((command) => `${ns.subject(command.subject)} ${service}`),
    ...usage.serves
      .filter((command) => command.public)
      .map((command) => `${ns.subject(teamExportSubject(command.subject))} ${service}`),
    // Plain core subjects: no queue group, every replica gets each message (it picks what it holds).
    ...usage.core.subscribes.map((subject) => ns.subject(subject)),
    `${fleetInboxPrefix(service)}.>`,
    ...discoverySubjects(service),
  ];
  const own = new Set(usage.consumes.map(({ event, durable }) => `${event.stream}/${durable}`));
  const followed = new Set(usage.follows.map(({ stream }) => stream));
  const publishDeny = durables
    .filter(({ stream, durable }) => followed.has(stream) && !own.has(`${stream}/${durable}`))
    .flatMap(({ stream, durable }) => othersDurableSubjects(ns.stream(stream), durable));
  return {
    publish: unique(publish),
    subscribe: unique(subscribe),
    ...(publishDeny.length > 0 ? { publishDeny: unique(publishDeny) } : {}),
  };
}

/** What the fleet offers other teams: its public commands (exported under the team prefix) and public events. */
export interface TeamOffer {
  /** Public command subjects, as teams send them (namespaced). */
  commands: string[];
  /** Public event subjects (namespaced). */
  events: string[];
}

function isEventDescriptor(value: unknown): value is EventDescriptor {
  const candidate = value as Partial<EventDescriptor> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.stream === 'string' &&
    typeof candidate.subject === 'string' &&
    typeof candidate.payload === 'function'
  );
}

/** Every event of libs/contracts marked public. */
export function publicEvents(): EventDescriptor[] {
  const exported: unknown[] = Object.values(contracts);
  return exported.filter(isEventDescriptor).filter((event) => event.public === true);
}

export function teamOffer(definitions: readonly ServiceDefinition[], ns: SubjectNamespace): TeamOffer {
  const usages = fleetDefinitions(definitions).map((d) => natsUsageOf(d));
  return {
    commands: unique(usages.flatMap((u) => u.serves.filter((c) => c.public).map((c) => ns.subject(c.subject)))),
    events: unique(publicEvents().map((e) => ns.subject(e.subject))),
  };
}

/** A team user's permissions: the public commands, the public events and its own inbox. */
export function teamUserPermissions(user: string, offer: TeamOffer): NatsUserPermissions {
  return { publish: [...offer.commands], subscribe: [`${fleetInboxPrefix(user)}.>`, ...offer.events] };
}

// --- rendering -----------------------------------------------------------------------------------

/** Every string is quoted: `$JS...` would otherwise read as a variable reference. */
const q = (value: string): string => JSON.stringify(value);

function list(items: readonly string[], indent: string): string {
  if (items.length === 0) return '[]';
  return `[\n${items.map((item) => `${indent}  ${q(item)}`).join('\n')}\n${indent}]`;
}

function passwordOf(user: string, options: NatsServerConfigOptions): string {
  if (options.passwords.kind === 'env') return `$${natsPasswordEnv(user)}`;
  const password = options.passwords.byUser[user];
  if (!password) throw new Error(`no NATS password given for user ${user}`);
  return q(password);
}

function renderUser(
  user: string,
  permissions: NatsUserPermissions,
  options: NatsServerConfigOptions,
  allowResponses: boolean,
): string {
  const i = '        ';
  return [
    '      {',
    `${i}user: ${q(user)}`,
    `${i}password: ${passwordOf(user, options)}`,
    `${i}permissions: {`,
    permissions.publishDeny?.length
      ? `${i}  publish: { allow: ${list(permissions.publish, `${i}  `)}, deny: ${list(permissions.publishDeny, `${i}  `)} }`
      : `${i}  publish: { allow: ${list(permissions.publish, `${i}  `)} }`,
    `${i}  subscribe: { allow: ${list(permissions.subscribe, `${i}  `)} }`,
    ...(allowResponses ? [`${i}  allow_responses: true`] : []),
    `${i}}`,
    '      }',
  ].join('\n');
}

/** The nats-server configuration text. */
export function renderNatsServerConfig(
  definitions: readonly ServiceDefinition[],
  options: NatsServerConfigOptions,
): string {
  const ns = new SubjectNamespace(options.namespace ?? '');
  const fleet = fleetDefinitions(definitions);
  const offer = teamOffer(fleet, ns);
  const teamUsers = options.teamUsers ?? DEFAULT_TEAM_USERS;
  const durables = fleetDurables(fleet);
  const fleetUsers = fleet.map((d) =>
    renderUser(d.name, fleetUserPermissions(d.name, natsUsageOf(d), ns, durables), options, true),
  );
  const teamUserBlocks = teamUsers.map((user) => renderUser(user, teamUserPermissions(user, offer), options, false));
  const unprefixed = (subject: string) => ns.strip(subject);
  const exportList = [
    ...offer.commands.map((subject) => `{ service: ${q(ns.subject(teamExportSubject(unprefixed(subject))))} }`),
    ...offer.events.map((subject) => `{ stream: ${q(subject)} }`),
  ];
  const imports = [
    ...offer.commands.map(
      (subject) =>
        `{ service: { account: ${FLEET_ACCOUNT}, subject: ${q(ns.subject(teamExportSubject(unprefixed(subject))))} }, to: ${q(subject)} }`,
    ),
    ...offer.events.map((subject) => `{ stream: { account: ${FLEET_ACCOUNT}, subject: ${q(subject)} } }`),
  ];
  const blockList = (items: string[]) =>
    items.length === 0 ? '[]' : `[\n${items.map((item) => `      ${item}`).join('\n')}\n    ]`;

  const lines = [
    '# Generated by tools/nats/nats-server-config.ts from the service definitions: do not edit.',
    ...(options.serverName ? [`server_name: ${q(options.serverName)}`] : []),
    `listen: ${q(options.listen)}`,
    ...(options.monitorPort === undefined ? [] : [`http_port: ${options.monitorPort}`]),
    `jetstream {\n  store_dir: ${q(options.storeDir)}\n}`,
  ];
  if (options.tls) {
    lines.push(
      [
        'tls {',
        `  cert_file: ${q(options.tls.certFile)}`,
        `  key_file: ${q(options.tls.keyFile)}`,
        ...(options.tls.caFile ? [`  ca_file: ${q(options.tls.caFile)}`] : []),
        '}',
      ].join('\n'),
    );
  }
  if (options.cluster) {
    lines.push(
      [
        'cluster {',
        `  name: ${q(options.cluster.name)}`,
        `  listen: ${q(options.cluster.listen)}`,
        `  routes: ${list(options.cluster.routes, '  ')}`,
        '}',
      ].join('\n'),
    );
  }
  lines.push(
    [
      'accounts {',
      `  ${FLEET_ACCOUNT} {`,
      '    jetstream: enabled',
      `    users: [\n${fleetUsers.join('\n')}\n    ]`,
      `    exports: ${blockList(exportList)}`,
      '  }',
      `  ${TEAMS_ACCOUNT} {`,
      `    users: [\n${teamUserBlocks.join('\n')}\n    ]`,
      `    imports: ${blockList(imports)}`,
      '  }',
      '}',
    ].join('\n'),
  );
  return `${lines.join('\n')}\n`;
}
