import { AuthCommands, KvBuckets, ProviderAccountCommands, teamExportSubject } from '@callfleet/contracts';
import { natsUsageOf, SubjectNamespace } from '@callfleet/platform';
import { FLEET_DEFINITIONS } from '../fleet/fleet-definitions';
import {
  fleetDurables,
  fleetUserPermissions,
  natsPasswordEnv,
  natsUserNames,
  renderNatsServerConfig,
  teamOffer,
  teamUserPermissions,
} from './nats-server-config';

const byName = (name: string) => {
  const definition = FLEET_DEFINITIONS.find((d) => d.name === name);
  if (!definition) throw new Error(name);
  return definition;
};
const permissionsOf = (name: string, namespace = '') =>
  fleetUserPermissions(name, natsUsageOf(byName(name)), new SubjectNamespace(namespace));
const literal = {
  kind: 'literal' as const,
  byUser: Object.fromEntries(natsUserNames(FLEET_DEFINITIONS).map((u) => [u, `pw-${u}`])),
};

describe('natsUserNames and natsPasswordEnv', () => {
  it('names a user per fleet service, then the team users', () => {
    expect(natsUserNames(FLEET_DEFINITIONS)).toEqual([...FLEET_DEFINITIONS.map((d) => d.name), 'team']);
    expect(natsUserNames(FLEET_DEFINITIONS, ['billing', 'crm']).slice(-2)).toEqual(['billing', 'crm']);
  });

  it('derives an upper-snake env name', () => {
    expect(natsPasswordEnv('webhook-ingest')).toBe('NATS_PASSWORD_WEBHOOK_INGEST');
  });
});

describe('a fleet user’s permissions', () => {
  it('subscribes its commands only in its queue group, and their team form', () => {
    const { subscribe } = permissionsOf('webhook-ingest');
    expect(subscribe).toContain(`${ProviderAccountCommands.List.subject} webhook-ingest`);
    expect(subscribe).toContain(`${teamExportSubject(ProviderAccountCommands.List.subject)} webhook-ingest`);
    expect(subscribe).not.toContain(ProviderAccountCommands.List.subject);
    expect(subscribe).toContain('_INBOX.webhook-ingest.>');
    expect(subscribe.filter((s) => s.startsWith('_INBOX'))).toEqual(['_INBOX.webhook-ingest.>']);
  });

  it('publishes the commands it calls and no other', () => {
    const { publish } = permissionsOf('webhook-ingest');
    expect(publish).toContain('calls.v1.flow');
    expect(publish).toContain(AuthCommands.ApiKeyVerify.subject);
    expect(publish).not.toContain(AuthCommands.Login.subject);
    expect(permissionsOf('gateway').publish).toContain(AuthCommands.Login.subject);
  });

  it('reaches the JetStream API only for its own streams, consumers and buckets', () => {
    const { publish } = permissionsOf('webhook-ingest');
    expect(publish).toContain('$JS.API.STREAM.CREATE.INGRESS');
    expect(publish).toContain('$JS.API.CONSUMER.MSG.NEXT.EVENTS.webhook-ingest-dev-provider-accounts');
    expect(publish).toContain('$JS.ACK.EVENTS.webhook-ingest-dev-provider-accounts.>');
    expect(publish).toContain(`$KV.${KvBuckets.WEBHOOK_RATE_LIMITS}.>`);
    expect(publish).not.toContain(`$KV.${KvBuckets.RATE_LIMITS}.>`);
    // Every JetStream entry names one of its own streams or buckets, never a wildcard over all of them.
    const own = [
      'INGRESS',
      'EVENTS',
      'DEAD_LETTER',
      `KV_${KvBuckets.WEBHOOK_RATE_LIMITS}`,
      `KV_${KvBuckets.REVOKED_TOKENS}`,
    ];
    for (const entry of publish.filter((s) => s.startsWith('$JS.') && s !== '$JS.API.INFO')) {
      expect(own.some((name) => entry.split('.').includes(name))).toBe(true);
    }
  });

  it('reads EVENTS live (the gateway) through ordered consumers on its declared filters only, never another’s durable', () => {
    const usage = natsUsageOf(byName('gateway'));
    const { publish, publishDeny } = fleetUserPermissions(
      'gateway',
      usage,
      new SubjectNamespace('ci-3'),
      fleetDurables(FLEET_DEFINITIONS),
    );
    const consumerApi = publish.filter((s) => s.includes('.CONSUMER.') || s.includes('.STREAM.INFO.CI_3_EVENTS'));
    expect(consumerApi).toEqual([
      '$JS.API.STREAM.INFO.CI_3_EVENTS',
      '$JS.API.CONSUMER.CREATE.CI_3_EVENTS.*.ci-3.events.hunts.v1.>',
      '$JS.API.CONSUMER.MSG.NEXT.CI_3_EVENTS.*',
      '$JS.API.CONSUMER.DELETE.CI_3_EVENTS.*',
      '$JS.API.CONSUMER.CREATE.CI_3_EVENTS.*.ci-3.events.calls.v1.>',
      '$JS.API.CONSUMER.CREATE.CI_3_EVENTS.*.ci-3.events.media.v1.live-human-detected',
      // Its KV buckets' watches.
      ...consumerApi.filter((s) => s.includes('.KV_')),
    ]);
    // Nothing that would read auth's or anyone's events, or another stream.
    expect(
      publish.some((s) => s.includes('CREATE.CI_3_EVENTS.*.ci-3.events.>') || s.endsWith('CREATE.CI_3_EVENTS')),
    ).toBe(false);
    // The wildcard name token must not reach any durable of the fleet on EVENTS.
    const durables = fleetDurables(FLEET_DEFINITIONS).filter((d) => d.stream === 'EVENTS');
    expect(durables.length).toBeGreaterThan(0);
    for (const { durable } of durables) {
      expect(publishDeny).toEqual(
        expect.arrayContaining([
          `$JS.API.CONSUMER.CREATE.CI_3_EVENTS.${durable}`,
          `$JS.API.CONSUMER.CREATE.CI_3_EVENTS.${durable}.>`,
          `$JS.API.CONSUMER.MSG.NEXT.CI_3_EVENTS.${durable}`,
          `$JS.API.CONSUMER.DELETE.CI_3_EVENTS.${durable}`,
        ]),
      );
    }
    // A service that follows nothing gets no deny list.
    expect(
      fleetUserPermissions('auth', natsUsageOf(byName('auth')), new SubjectNamespace(''), durables).publishDeny,
    ).toBeUndefined();
  });

  it('gets only its inbox and discovery when it does nothing else on NATS', () => {
    expect(permissionsOf('telephony-sim')).toEqual({
      publish: [],
      subscribe: ['_INBOX.telephony-sim.>', '$SRV.*', '$SRV.*.telephony-sim', '$SRV.*.telephony-sim.*'],
    });
  });

  it('publishes and subscribes exactly its declared core subjects, the subscriptions outside any queue group', () => {
    const media = permissionsOf('media-stream', 'ci-7');
    expect(media.publish).toEqual(expect.arrayContaining(['ci-7.media.v1.signals.*', 'ci-7.media.v1.audio.*']));
    expect(media.publish).not.toContain('ci-7.media.v1.play.*');
    expect(media.subscribe).toContain('ci-7.media.v1.play.*');
    expect(media.subscribe.filter((s) => s.includes('media.v1.') && !s.includes('listen'))).toEqual([
      'ci-7.media.v1.play.*',
    ]);
    const orchestrator = permissionsOf('call-orchestrator', 'ci-7');
    expect(orchestrator.publish).toEqual(expect.arrayContaining(['ci-7.media.v1.play.*', 'ci-7.media.v1.listen']));
    expect(orchestrator.publish).not.toContain('ci-7.media.v1.signals.*');
    expect(orchestrator.subscribe).toEqual(
      expect.arrayContaining(['ci-7.media.v1.signals.*', 'ci-7.media.v1.audio.*']),
    );
    for (const other of ['gateway', 'auth', 'webhook-ingest', 'recording-pipeline', 'telephony-sim']) {
      const { publish, subscribe } = permissionsOf(other);
      expect([...publish, ...subscribe].filter((s) => s.startsWith('media.'))).toEqual([]);
    }
  });

  it('applies the namespace to subjects, streams and buckets but not to inboxes', () => {
    const { publish, subscribe } = permissionsOf('webhook-ingest', 'ci-7');
    expect(subscribe).toContain(`ci-7.${ProviderAccountCommands.List.subject} webhook-ingest`);
    expect(subscribe).toContain(`ci-7.${teamExportSubject(ProviderAccountCommands.List.subject)} webhook-ingest`);
    expect(subscribe).toContain('_INBOX.webhook-ingest.>');
    expect(publish).toContain('ci-7.calls.v1.flow');
    expect(publish).toContain('ci-7.ingress.>');
    expect(publish).toContain('$JS.API.STREAM.CREATE.CI_7_INGRESS');
    expect(publish).toContain(`$KV.ci-7-${KvBuckets.WEBHOOK_RATE_LIMITS}.>`);
  });
});

describe('the team users', () => {
  const offer = teamOffer(FLEET_DEFINITIONS, new SubjectNamespace(''));

  it('may send the public commands and nothing internal', () => {
    const { publish, subscribe } = teamUserPermissions('team', offer);
    expect(publish).toContain(AuthCommands.Me.subject);
    expect(publish).toContain(ProviderAccountCommands.Create.subject);
    expect(publish).not.toContain(AuthCommands.Login.subject);
    expect(publish).not.toContain(AuthCommands.ApiKeyCreate.subject);
    expect(subscribe).toEqual(['_INBOX.team.>']);
    // Live media stays in the fleet: the TEAMS account is shared by orgs (docs/nats-access.md).
    expect([...publish, ...subscribe].filter((s) => s.startsWith('media.'))).toEqual([]);
  });
});

describe('renderNatsServerConfig', () => {
  const text = renderNatsServerConfig(FLEET_DEFINITIONS, {
    listen: '127.0.0.1:4299',
    monitorPort: 8299,
    storeDir: '/data/nats',
    passwords: literal,
  });

  it('puts the fleet and the teams in their own accounts, teams without JetStream', () => {
    const fleet = text.slice(text.indexOf('  FLEET {'), text.indexOf('  TEAMS {'));
    const teams = text.slice(text.indexOf('  TEAMS {'));
    expect(fleet).toContain('jetstream: enabled');
    expect(teams).not.toContain('jetstream');
    for (const name of FLEET_DEFINITIONS.map((d) => d.name)) expect(fleet).toContain(`user: "${name}"`);
    expect(teams).toContain('user: "team"');
  });

  it('exports each public command under the team prefix and imports it under its usual subject', () => {
    expect(text).toContain(`{ service: "${teamExportSubject(AuthCommands.Me.subject)}" }`);
    expect(text).toContain(
      `{ service: { account: FLEET, subject: "${teamExportSubject(AuthCommands.Me.subject)}" }, to: "${AuthCommands.Me.subject}" }`,
    );
    expect(text).not.toContain(`"${teamExportSubject(AuthCommands.Login.subject)}"`);
  });

  it('quotes every subject, so `$JS…` is not read as a variable', () => {
    expect(text).toMatch(/^ +"\$JS\.API\.INFO"$/m);
    expect(text).not.toMatch(/^ +\$JS/m);
    expect(text).toContain('listen: "127.0.0.1:4299"');
    expect(text).toContain('http_port: 8299');
    expect(text).toContain('store_dir: "/data/nats"');
  });

  it('references env passwords by name, and refuses a missing literal one', () => {
    const env = renderNatsServerConfig(FLEET_DEFINITIONS, {
      listen: '0.0.0.0:4222',
      storeDir: '/d',
      passwords: { kind: 'env' },
    });
    expect(env).toContain('password: $NATS_PASSWORD_WEBHOOK_INGEST');
    expect(env).toContain('password: $NATS_PASSWORD_TEAM');
    expect(env).not.toContain('pw-');
    expect(() =>
      renderNatsServerConfig(FLEET_DEFINITIONS, {
        listen: '0.0.0.0:4222',
        storeDir: '/d',
        passwords: { kind: 'literal', byUser: { auth: 'x' } },
      }),
    ).toThrow(/no NATS password given for user gateway/);
  });

  it('adds TLS and the cluster when given', () => {
    const clustered = renderNatsServerConfig(FLEET_DEFINITIONS, {
      listen: '0.0.0.0:4222',
      storeDir: '/d',
      serverName: 'nats-0',
      passwords: { kind: 'env' },
      tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key', caFile: '/tls/ca.crt' },
      cluster: { name: 'callfleet', listen: '0.0.0.0:6222', routes: ['nats://nats-1:6222'] },
    });
    expect(clustered).toContain('server_name: "nats-0"');
    expect(clustered).toMatch(
      /tls \{\n {2}cert_file: "\/tls\/tls.crt"\n {2}key_file: "\/tls\/tls.key"\n {2}ca_file: "\/tls\/ca.crt"\n\}/,
    );
    expect(clustered).toMatch(
      /cluster \{\n {2}name: "callfleet"\n {2}listen: "0.0.0.0:6222"\n {2}routes: \[\n {4}"nats:\/\/nats-1:6222"\n {2}\]\n\}/,
    );
  });
});
