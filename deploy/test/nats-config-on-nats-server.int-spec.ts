import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetInboxPrefix } from '@callfleet/platform';
import { freePort, TestNatsServer, waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { FLEET_DEFINITIONS } from '../../tools/fleet/fleet-definitions';
import { newNatsPassword } from '../../tools/fleet/nats-passwords';
import { natsPasswordEnv } from '../../tools/nats/nats-server-config';
import { natsConfigVariables, readEnvFile, readRepoFile } from './deploy-files';

/**
 * The checked-in nats.conf files (compose's, and the Kubernetes cluster's) on the machine's real
 * nats-server: 2.9 has no config check (`-t`), so each is started, moved to loopback ports only.
 */

interface LoopbackPlace {
  port: number;
  storeDir: string;
  monitorPort: number;
  cluster?: { port: number; routePorts: number[] };
}

/** A deployment's nats.conf with its addresses and store replaced by a test's; the rest verbatim. */
function onLoopback(config: string, place: LoopbackPlace): string {
  let text = config
    .replace(/^listen: ".*"$/m, `listen: "127.0.0.1:${place.port}"`)
    .replace(/^http_port: \d+$/m, `http_port: ${place.monitorPort}`)
    .replace(/store_dir: ".*"/, `store_dir: ${JSON.stringify(place.storeDir)}`);
  if (place.cluster) {
    const { port, routePorts } = place.cluster;
    text = text.replace(/(cluster \{[\s\S]*?)listen: ".*"([\s\S]*?routes: \[)[\s\S]*?\]/, (_all, head, middle) =>
      [
        `${head}listen: "127.0.0.1:${port}"${middle}`,
        ...routePorts.map((p) => `    "nats://127.0.0.1:${p}"`),
        '  ]',
      ].join('\n'),
    );
  }
  expect(text).toContain(`127.0.0.1:${place.port}`);
  return text;
}

/** A throwaway CA and a server certificate for 127.0.0.1 it signed, as `nats-tls` holds them. */
function issueTestCertificate(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=callfleet-test-ca', '-days', '1');
  openssl('req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=nats');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-out',
    'tls.crt',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
}

async function monitor<T>(port: number, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

describe('the generated nats.conf files on the real nats-server', () => {
  const servers: TestNatsServer[] = [];
  const certificates = mkdtempSync(join(tmpdir(), 'callfleet-nats-tls-'));
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.dispose()));
    rmSync(certificates, { recursive: true, force: true });
  });

  it("compose's deploy/nats/nats.conf with the dev secrets: listens, healthy, a service in with its password only", async () => {
    const secrets = Object.fromEntries(readEnvFile('deploy/compose/dev-secrets.env'));
    const monitorPort = await freePort();
    const server = await TestNatsServer.start({
      config: ({ port, storeDir }) =>
        onLoopback(readRepoFile('deploy/nats/nats.conf'), { port, storeDir, monitorPort }),
      env: secrets,
    });
    servers.push(server);
    // What compose's health check asks.
    expect((await monitor(monitorPort, '/healthz?js-enabled-only=true')).status).toBe(200);
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/Authorization Violation/i);
    const gateway = await connect({
      servers: server.url,
      user: 'gateway',
      pass: secrets.NATS_PASSWORD_GATEWAY,
      inboxPrefix: fleetInboxPrefix('gateway'),
      reconnect: false,
    });
    await gateway.flush();
    await gateway.close();
    await expect(
      connect({ servers: server.url, user: 'gateway', pass: secrets.NATS_PASSWORD_AUTH, reconnect: false }),
    ).rejects.toThrow(/Authorization Violation/i);
  });

  it("the Kubernetes cluster's nats.conf: three peers route to each other and hold a stream in three copies", async () => {
    const config = readRepoFile('k8s/base/nats/nats.conf');
    const passwords = Object.fromEntries(
      natsConfigVariables(config)
        .filter((v) => v !== 'POD_NAME')
        .map((v) => [v, newNatsPassword()]),
    );
    const routePorts = [await freePort(), await freePort(), await freePort()];
    const monitorPorts = [await freePort(), await freePort(), await freePort()];
    const peers = await Promise.all(
      routePorts.map((routePort, i) =>
        TestNatsServer.start({
          config: ({ port, storeDir }) =>
            onLoopback(config, {
              port,
              storeDir,
              monitorPort: monitorPorts[i],
              cluster: { port: routePort, routePorts },
            }),
          env: { ...passwords, POD_NAME: `nats-${i}` },
        }),
      ),
    );
    servers.push(...peers);
    for (const port of monitorPorts) {
      await waitFor(
        async () => (await monitor<{ num_routes: number }>(port, '/routez')).body.num_routes >= 2,
        15_000,
        `peer on ${port} routing to the other two`,
      );
    }
    // JetStream's meta group over the three, each known by its pod name.
    const jsz = await waitFor(
      async () => {
        const { body } = await monitor<{ meta_cluster?: { leader?: string; cluster_size: number } }>(
          monitorPorts[0],
          '/jsz',
        );
        // A leader can be elected by two peers before the third has joined the meta group.
        return body.meta_cluster?.leader && body.meta_cluster.cluster_size === 3 ? body.meta_cluster : undefined;
      },
      20_000,
      'a JetStream meta leader over all three peers',
    );
    expect(jsz.cluster_size).toBe(3);
    expect(['nats-0', 'nats-1', 'nats-2']).toContain(jsz.leader);

    // The service owning a stream creates it replicated on all three, with its own user and inbox.
    const owner = FLEET_DEFINITIONS.find((d) => d.streams?.length) as (typeof FLEET_DEFINITIONS)[number];
    const [stream] = owner.streams ?? [];
    const nc = await connect({
      servers: peers[1].url,
      user: owner.name,
      pass: passwords[natsPasswordEnv(owner.name)],
      inboxPrefix: fleetInboxPrefix(owner.name),
      reconnect: false,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await waitFor(
        async () => jsm.streams.add({ name: stream.name, subjects: [...stream.subjects], num_replicas: 3 }),
        20_000,
        `stream ${stream.name} created with three replicas`,
      );
      expect(info.config.num_replicas).toBe(3);
      const placed = await waitFor(async () => {
        const cluster = (await jsm.streams.info(stream.name)).cluster;
        return cluster?.leader && cluster.replicas?.length === 2 ? cluster : undefined;
      }, 15_000);
      expect([placed.leader, ...(placed.replicas ?? []).map((r) => r.name)].sort()).toEqual([
        'nats-0',
        'nats-1',
        'nats-2',
      ]);
    } finally {
      await nc.close();
    }
  }, 90_000);

  it("the prod overlay's nats.conf: clients must speak TLS with the certificate of the nats-tls Secret", async () => {
    issueTestCertificate(certificates);
    const config = readRepoFile('k8s/overlays/prod/nats-tls/nats.conf').replaceAll(
      '/etc/nats/tls/',
      `${certificates}/`,
    );
    const passwords = Object.fromEntries(
      natsConfigVariables(config)
        .filter((v) => v !== 'POD_NAME')
        .map((v) => [v, newNatsPassword()]),
    );
    const routePort = await freePort();
    const monitorPort = await freePort();
    const server = await TestNatsServer.start({
      config: ({ port, storeDir }) =>
        onLoopback(config, { port, storeDir, monitorPort, cluster: { port: routePort, routePorts: [routePort] } }),
      env: { ...passwords, POD_NAME: 'nats-0' },
    });
    servers.push(server);
    const as = (tls: { caFile?: string }) =>
      connect({
        servers: `tls://127.0.0.1:${server.port}`,
        user: 'gateway',
        pass: passwords[natsPasswordEnv('gateway')],
        inboxPrefix: fleetInboxPrefix('gateway'),
        tls,
        reconnect: false,
      });
    // Not trusted without the CA services get from nats-ca (NATS_TLS_CA_FILE).
    await expect(as({})).rejects.toThrow(/certificate/i);
    const nc = await as({ caFile: join(certificates, 'ca.crt') });
    await nc.flush();
    expect(nc.info?.tls_required).toBe(true);
    await nc.close();
  });
});
