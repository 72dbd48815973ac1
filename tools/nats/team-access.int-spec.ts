import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthCommands,
  type CreatedApiKeyDto,
  FleetHeader,
  type ListDto,
  type MeDto,
  ProviderAccountCommands,
  type ProviderAccountDto,
  type TokenPairDto,
} from '@callfleet/contracts';
import { fleetInboxPrefix, SubjectNamespace } from '@callfleet/platform';
import { startTestService, TestDatabase, TestNatsServer, testNamespace, waitFor } from '@callfleet/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { authService } from '../../apps/auth/src/auth.definition';
import { AuthHarness, GOOD_PASSWORD, type Identity, uniqueEmail } from '../../apps/auth/test/auth-harness';
import { bearer, fleetRequest, TeamClient } from '../../apps/auth/test/team-client';
import { webhookIngestService } from '../../apps/webhook-ingest/src/webhook-ingest.definition';
import { FLEET_DEFINITIONS } from '../fleet/fleet-definitions';
import { natsUserNames, renderNatsServerConfig } from './nats-server-config';

const TEAM_USER = 'team';

/**
 * Another team through the real broker configuration: a private nats-server running the generated
 * config (FLEET and TEAMS accounts), auth and webhook-ingest connected as their own fleet users, the
 * organizations set up through the gateway's user, and a TEAMS user calling the public commands
 * under their usual subjects.
 */
describe('another team on the generated broker configuration', () => {
  const namespace = testNamespace();
  const ns = new SubjectNamespace(namespace);
  const passwords = Object.fromEntries(
    natsUserNames(FLEET_DEFINITIONS).map((user) => [user, randomBytes(12).toString('hex')]),
  );
  let broker: TestNatsServer;
  let db: TestDatabase;
  let keysDir: string;
  let auth: Awaited<ReturnType<typeof startTestService>>;
  let ingest: Awaited<ReturnType<typeof startTestService>>;
  /** The gateway's user, setting up organizations as the HTTP API would. */
  let gateway: NatsConnection;
  let teamNc: NatsConnection;
  let team: TeamClient;
  interface Org {
    owner: Identity;
    /** The owner's access token, and an admin API key. */
    accessToken: string;
    key: string;
    account: ProviderAccountDto;
  }
  let orgA: Org;
  let orgB: Org;

  const connectAs = (user: string) =>
    connect({
      servers: broker.url,
      user,
      pass: passwords[user],
      inboxPrefix: fleetInboxPrefix(user),
      reconnect: false,
    });

  const asGateway = <T>(subject: string, body: unknown, identity?: Identity) =>
    fleetRequest<T>(gateway, ns.subject(subject), body, identity);

  const createOrg = async (label: string, accountSid: string): Promise<Org> => {
    const tokens = await asGateway<TokenPairDto>(AuthCommands.Register.subject, {
      email: uniqueEmail(label),
      password: GOOD_PASSWORD,
      name: `Owner ${label}`,
      organizationName: `Org ${label}`,
    });
    const owner = AuthHarness.identityOf(tokens);
    const { key } = await asGateway<CreatedApiKeyDto>(
      AuthCommands.ApiKeyCreate.subject,
      { name: `${label}-team`, role: 'admin' },
      owner,
    );
    const account = await asGateway<ProviderAccountDto>(
      ProviderAccountCommands.Create.subject,
      { provider: 'twilio', name: `${label}-main`, credentials: { accountSid, authToken: 'z'.repeat(32) } },
      owner,
    );
    return { owner, accessToken: tokens.accessToken, key, account };
  };

  beforeAll(async () => {
    broker = await TestNatsServer.start({
      config: ({ port, storeDir }) =>
        renderNatsServerConfig(FLEET_DEFINITIONS, {
          namespace,
          listen: `127.0.0.1:${port}`,
          storeDir,
          passwords: { kind: 'literal', byUser: passwords },
        }),
    });
    db = await TestDatabase.create();
    keysDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
    const as = (user: string) => ({ user, password: passwords[user] });
    const common = { namespace, natsUrl: broker.url, databaseUrl: db.url };
    auth = await startTestService(authService, {
      ...common,
      natsCredentials: as('auth'),
      env: { JWT_KEYS_DIR: keysDir },
    });
    ingest = await startTestService(webhookIngestService, {
      ...common,
      natsCredentials: as('webhook-ingest'),
      env: { DEV_PROVIDER_ACCOUNTS: 'false' },
    });
    gateway = await connectAs('gateway');
    teamNc = await connectAs(TEAM_USER);
    // The usual subjects: the TEAMS account's imports carry them to the services' team export subjects.
    team = new TeamClient(teamNc, (subject) => ns.subject(subject));
    orgA = await createOrg('a', 'AC55555555555555555555555555555555');
    orgB = await createOrg('b', 'AC66666666666666666666666666666666');
  });

  afterAll(async () => {
    await teamNc?.close();
    await gateway?.close();
    await ingest?.close();
    await auth?.close();
    await broker?.dispose();
    await db?.drop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  it('answers a valid API key under the usual subjects with its own organization’s data, refusing no one', async () => {
    for (const org of [orgA, orgB]) {
      const credential = bearer(org.key);
      const me = await team.request<MeDto>(AuthCommands.Me, {}, { credential });
      expect(me).toMatchObject({ ok: true, body: { userId: org.owner.userId, orgId: org.owner.orgId } });
      const accounts = await team.request<ListDto<ProviderAccountDto>>(
        ProviderAccountCommands.List,
        {},
        { credential },
      );
      expect(accounts.ok && accounts.body.items.map((a) => a.id)).toEqual([org.account.id]);
      // An access token too: webhook-ingest verifies it against the keys it fetched from auth.
      const byToken = await team.request<ListDto<ProviderAccountDto>>(
        ProviderAccountCommands.List,
        {},
        {
          credential: bearer(org.accessToken),
        },
      );
      expect(byToken.ok && byToken.body.items.map((a) => a.id)).toEqual([org.account.id]);
    }
    // Verifying the keys took auth's own api-keys.verify and jwks calls and the revoked-tokens bucket,
    // under the services' broker users: none of it was refused.
    expect(broker.permissionViolations()).toEqual([]);
  });

  it('ignores forged identity headers: 401 without a credential, the key’s own org with one', async () => {
    const forged = {
      [FleetHeader.ORG_ID]: orgB.owner.orgId,
      [FleetHeader.USER_ID]: orgB.owner.userId,
      [FleetHeader.ROLES]: 'owner',
    };
    for (const command of [AuthCommands.Me, ProviderAccountCommands.List]) {
      expect(await team.request(command, {}, { headers: forged })).toEqual({
        ok: false,
        status: 401,
        body: { code: 'MISSING_CREDENTIALS', message: expect.any(String) },
      });
    }
    const accounts = await team.request<ListDto<ProviderAccountDto>>(
      ProviderAccountCommands.List,
      {},
      {
        credential: bearer(orgA.key),
        headers: forged,
      },
    );
    expect(accounts.ok && accounts.body.items.map((a) => a.id)).toEqual([orgA.account.id]);
  });

  it('cannot publish internal subjects, nor the fleet side of the export', async () => {
    for (const subject of [AuthCommands.Login.subject, AuthCommands.ApiKeyCreate.subject, 'teams.auth.v1.me']) {
      const namespaced = ns.subject(subject);
      await expect(
        teamNc.request(namespaced, JSON.stringify({ email: 'a@example.com', password: 'x' }), { timeout: 2_000 }),
      ).rejects.toThrow(/permissions violation/i);
      // The broker logs the refusal too (its log may reach us a moment after the client's error).
      await waitFor(
        async () => broker.permissionViolations().some((line) => line.includes(`"${namespaced}"`)),
        5_000,
        `the broker to log the refused ${namespaced}`,
      );
    }
  });

  it('cannot subscribe to events, other inboxes or services’ subjects', async () => {
    for (const subject of [
      ns.subject('events.>'),
      '_INBOX.>',
      `${fleetInboxPrefix('gateway')}.>`,
      ns.subject(AuthCommands.Login.subject),
    ]) {
      const sub = teamNc.subscribe(subject);
      expect(await sub.closed).toBeInstanceOf(Error);
    }
    // Its connection survives the refusals and still works.
    expect(await team.request(AuthCommands.Me, {}, { credential: bearer(orgA.key) })).toMatchObject({ ok: true });
  });
});
