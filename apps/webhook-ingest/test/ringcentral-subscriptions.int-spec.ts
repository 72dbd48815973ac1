import { randomUUID } from 'node:crypto';
import { ProviderAccountCommands, type ProviderAccountDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { IngestHarness } from './ingest-harness';
import { SIM_RINGCENTRAL_TOKEN, Simulator } from './simulator';

interface SimSubscription {
  id: string;
  address: string;
  expirationTime: string;
  handshakes: { attempts: { status?: number }[] }[];
}

const SIM_RINGCENTRAL_ACCOUNT = '400000001';

/** The renewal job against the simulator's RingCentral subscription API (handshake included). */
describe('webhook-ingest: RingCentral WebHook subscriptions', () => {
  let ingest: IngestHarness;
  let sim: Simulator;
  const orgId = randomUUID();

  beforeAll(async () => {
    sim = await Simulator.start();
    // 6-second subscriptions renewed at half-life, checked often, retried fast: minutes of life in seconds.
    ingest = await IngestHarness.start({
      env: {
        RINGCENTRAL_SUBSCRIPTION_TTL_SECONDS: '6',
        RINGCENTRAL_RENEW_AT_REMAINING_FRACTION: '0.5',
        RINGCENTRAL_SUBSCRIPTION_CHECK_MS: '200',
        RINGCENTRAL_RETRY_BASE_MS: '200',
      },
    });
  });

  afterAll(async () => {
    await ingest?.stop();
    await sim?.stop();
  });

  const subscriptions = async () => (await sim.admin<{ items: SimSubscription[] }>('GET', '/subscriptions')).items;
  const accountView = async (id: string) => {
    const answer = await ingest.request<ProviderAccountDto>(ProviderAccountCommands.Get.subject, { id }, { orgId });
    if (!answer.ok) throw new Error(JSON.stringify(answer.body));
    return answer.body;
  };
  const failures = (accountKey: string) =>
    ingest.metric('callfleet_ringcentral_subscription_renewal_failures_total', { account: accountKey });

  it('subscribes a new account (the handshake reaches this service), renews it before expiry, and retries a failed renewal', async () => {
    const account = await ingest.createAccount(orgId, {
      provider: 'ringcentral',
      name: 'ringcentral',
      apiBaseUrl: sim.url,
      credentials: { accessToken: SIM_RINGCENTRAL_TOKEN },
    });

    const [created] = await waitFor(async () => {
      const found = (await subscriptions()).filter((s) => s.address === account.webhookUrls.notifications);
      return found.length > 0 && found;
    });
    expect(created.handshakes[0].attempts.at(-1)?.status).toBe(200);
    expect((await accountView(account.id)).subscription).toMatchObject({ status: 'active', lastError: null });
    expect(
      await ingest.metric('callfleet_ringcentral_subscription_expiry_seconds', { account: account.accountKey }),
    ).toBeGreaterThan(0);

    // Renewed at half-life: the same subscription, with a later expiry.
    await waitFor(
      async () => {
        const now = (await subscriptions()).find((s) => s.id === created.id);
        return now && Date.parse(now.expirationTime) > Date.parse(created.expirationTime);
      },
      15_000,
      'a renewal',
    );

    // RingCentral fails the next renewal (three 500s: the first try and its retries), then recovers.
    await sim.admin('PATCH', `/accounts/${SIM_RINGCENTRAL_ACCOUNT}`, { apiFault: { mode: 'error', remaining: 3 } });
    await waitFor(async () => (await failures(account.accountKey)) >= 1, 15_000, 'a failed renewal to be counted');
    const failing = await accountView(account.id);
    expect(failing.subscription?.lastError).toBeTruthy();
    await waitFor(
      async () => (await accountView(account.id)).subscription?.status === 'active',
      15_000,
      'the retried renewal to succeed',
    );
    expect((await subscriptions()).filter((s) => s.address === account.webhookUrls.notifications)).toHaveLength(1);
  });
});
