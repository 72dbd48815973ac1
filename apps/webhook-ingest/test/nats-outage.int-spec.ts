import { randomUUID } from 'node:crypto';
import { WebhookRoutes } from '@callfleet/contracts';
import { TestNatsServer, waitFor } from '@callfleet/testing';
import twilio from 'twilio';
import { envelopeOf, formBody, IngestHarness, TWILIO_FORM } from './ingest-harness';
import { SIM_TWILIO, Simulator } from './simulator';

const DELIVERIES = 5_000;

/**
 * Durability: the provider gets a 2xx only once its event is in JetStream, and a 503 with
 * Retry-After otherwise, so its retries bring every event in, each stored exactly once. The broker
 * is this test's own (TestNatsServer), restarted while the simulator fires 5,000 signed callbacks.
 */
describe('webhook-ingest: 5,000 deliveries while NATS restarts', () => {
  let broker: TestNatsServer;
  let ingest: IngestHarness;
  let sim: Simulator;

  beforeAll(async () => {
    broker = await TestNatsServer.start();
    ingest = await IngestHarness.start({
      natsUrl: broker.url,
      env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: '1000000', PUBLISH_TIMEOUT_MS: '1000' },
    });
    // Retries spaced so the last ones land well after the broker is back (0.5 + 1 + 2 + 4 + 4 s).
    sim = await Simulator.start({
      WEBHOOK_RETRIES: '5',
      WEBHOOK_RETRY_BASE_MS: '500',
      WEBHOOK_RETRY_MAX_DELAY_MS: '4000',
      WEBHOOK_TIMEOUT_MS: '5000',
      WEBHOOK_TOTAL_TIMEOUT_MS: '45000',
    });
  });

  afterAll(async () => {
    await sim?.stop();
    await ingest?.stop();
    await broker?.dispose();
  });

  it('stores every delivery exactly once: 2xx only once stored, 503 otherwise, retries fill the gap', async () => {
    const account = await ingest.createAccount(randomUUID(), {
      provider: 'twilio',
      name: 'busy account',
      credentials: SIM_TWILIO,
    });
    const accepted = () =>
      ingest.metric('callfleet_webhooks_received_total', { provider: 'twilio', outcome: 'accepted' });

    const path = WebhookRoutes.twilioStatus(account.accountKey);
    const ownDelivery = {
      CallSid: `CA${randomUUID().replace(/-/g, '')}`,
      CallStatus: 'completed',
      SequenceNumber: '3',
    };
    const sendOwn = () =>
      ingest.post(path, formBody(ownDelivery), {
        'content-type': TWILIO_FORM,
        'x-twilio-signature': twilio.getExpectedTwilioSignature(SIM_TWILIO.authToken, ingest.url(path), ownDelivery),
      });

    const burst = sim.burst(ingest.url(path), DELIVERIES, 50);
    // Stop the broker once a good share is in: the rest arrive during the outage and after it.
    await waitFor(async () => (await accepted()) >= 1_000, 30_000, '1,000 accepted deliveries');
    await broker.stop();
    const duringOutage = await sendOwn();
    expect(duringOutage.status).toBe(503);
    expect(envelopeOf(duringOutage).code).toBe('SERVICE_UNAVAILABLE');
    expect(duringOutage.headers.get('retry-after')).toBe('5');
    await broker.resume();
    const result = await burst;
    // The provider's retry of the refused delivery is taken once the broker is back.
    await waitFor(async () => (await sendOwn()).status === 200, 10_000, 'the retried delivery to be accepted');

    const answers = result.deliveries.flatMap((d) => d.attempts.map((a) => a.status ?? a.error));
    // Every attempt was a 200 or a 503 — or, on a machine too busy to answer within the simulator's
    // 5 s, no answer, which the provider retries like a 503: what matters is what was stored.
    expect(answers).toEqual(expect.arrayContaining([200, 503]));
    for (const answer of new Set(answers)) expect([200, 503, 'no answer within 5000 ms']).toContain(answer);
    expect(result).toMatchObject({ delivered: DELIVERIES, failed: 0 });
    const firstAnsweredUnavailable = result.deliveries.filter((d) => d.attempts[0].status === 503);
    expect(firstAnsweredUnavailable.length).toBeGreaterThan(0);

    const stored = await ingest.storedEvents();
    const perCall = new Map<string, number>();
    for (const { event } of stored) perCall.set(event.callId ?? '', (perCall.get(event.callId ?? '') ?? 0) + 1);
    expect(stored).toHaveLength(DELIVERIES + 1);
    for (const delivery of result.deliveries) expect(perCall.get(delivery.callSid)).toBe(1);
    expect(perCall.get(ownDelivery.CallSid)).toBe(1);
  });
});
