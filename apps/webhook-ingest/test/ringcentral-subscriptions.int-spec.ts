import { randomUUID } from 'node:crypto';
import { ProviderAccountCommands, type ProviderAccountDto } from '@callfleet/contracts';
import { ManualClock } from '@callfleet/platform';
import { waitFor } from '@callfleet/testing';
import { IngestHarness } from './ingest-harness';
import { SIM_RINGCENTRAL_TOKEN, Simulator } from './simulator';

interface SimSubscription {
  id: string;
  address: string;
  expirationTime: string;
  handshakes: { attempts: { status?: number }[] }[];
}

interface RenewalJob {
  status: string;
  attempts: number;
  run_at: Date;
  last_error: string | null;
}

const SIM_RINGCENTRAL_ACCOUNT = '400000001';
const DAY_MS = 24 * 3600 * 1000;

/**
 * The renewal job against the simulator's RingCentral subscription API (handshake included). The
 * simulator grants the default 7 days in real time; the service's ManualClock (starting now) is
 * moved to each renewal instead of waiting days.
 */
describe('webhook-ingest: RingCentral WebHook subscriptions', () => {
  let ingest: IngestHarness;
  let sim: Simulator;
  const clock = new ManualClock(Date.now());
  const orgId = randomUUID();

  beforeAll(async () => {
    sim = await Simulator.start();
    ingest = await IngestHarness.start({ clock });
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
  const renewalJob = async (accountId: string) =>
    (
      await ingest.db.query<RenewalJob>('SELECT status, attempts, run_at, last_error FROM ingest.jobs WHERE key = $1', [
        `webhook-ingest.ringcentral-subscription-renewal:${accountId}`,
      ])
    )[0];
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
    await waitFor(async () => (await accountView(account.id)).subscription?.status === 'active', 10_000, 'active');
    expect((await accountView(account.id)).subscription).toMatchObject({ status: 'active', lastError: null });
    expect(
      await ingest.metric('callfleet_ringcentral_subscription_expiry_seconds', { account: account.accountKey }),
    ).toBeGreaterThan(6 * DAY_MS * 0.001);

    // The renewal waits until a quarter of the 7 days is left.
    const scheduled = await waitFor(
      async () => {
        const job = await renewalJob(account.id);
        return job?.status === 'pending' && job;
      },
      10_000,
      'the renewal to be scheduled',
    );
    expect(scheduled.run_at.getTime()).toBeGreaterThan(Date.parse(created.expirationTime) - 1.76 * DAY_MS);
    expect(scheduled.run_at.getTime()).toBeLessThan(Date.parse(created.expirationTime) - 1.74 * DAY_MS);

    // A day and a half before expiry, the gauge has counted down (read at each scrape).
    clock.set(Date.parse(created.expirationTime) - 1.8 * DAY_MS);
    const left = await ingest.metric('callfleet_ringcentral_subscription_expiry_seconds', {
      account: account.accountKey,
    });
    expect(Math.abs(left - 1.8 * DAY_MS * 0.001)).toBeLessThan(5);

    // Renewed when due: the same subscription, with a later expiry.
    clock.set(scheduled.run_at);
    await waitFor(
      async () => {
        const now = (await subscriptions()).find((s) => s.id === created.id);
        return now && Date.parse(now.expirationTime) > Date.parse(created.expirationTime);
      },
      15_000,
      'a renewal',
    );
    const renewed = await waitFor(
      async () => {
        const job = await renewalJob(account.id);
        return job?.status === 'pending' && job.run_at.getTime() > scheduled.run_at.getTime() && job;
      },
      10_000,
      'the next renewal to be scheduled',
    );

    // RingCentral fails the next renewal (three 500s: the first try and its retries), then recovers.
    await sim.admin('PATCH', `/accounts/${SIM_RINGCENTRAL_ACCOUNT}`, { apiFault: { mode: 'error', remaining: 3 } });
    clock.set(renewed.run_at);
    await waitFor(async () => (await failures(account.accountKey)) >= 1, 15_000, 'a failed renewal to be counted');
    const retry = await waitFor(
      async () => {
        const job = await renewalJob(account.id);
        return job?.status === 'pending' && job.attempts === 1 && job;
      },
      10_000,
      'the failed renewal to wait for its retry',
    );
    // The job layer's backoff: under 5 s after the first failure (baseDelayMs 5 000).
    expect(retry.run_at.getTime() - clock.nowMs()).toBeLessThanOrEqual(5_000);
    expect(retry.last_error).toBeTruthy();
    const failing = await accountView(account.id);
    expect(failing.subscription).toMatchObject({ status: 'failing' });
    expect(failing.subscription?.lastError).toBeTruthy();

    clock.set(retry.run_at);
    await waitFor(
      async () => (await accountView(account.id)).subscription?.status === 'active',
      15_000,
      'the retried renewal to succeed',
    );
    expect(await failures(account.accountKey)).toBe(1);
    expect((await subscriptions()).filter((s) => s.address === account.webhookUrls.notifications)).toHaveLength(1);
  });
});
