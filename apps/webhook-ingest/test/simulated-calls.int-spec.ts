import { randomUUID } from 'node:crypto';
import { CallCommands, type ProviderAccountDto } from '@callfleet/contracts';
import { MetricsService } from '@callfleet/platform';
import { CircuitOpenError, DEFAULT_PROVIDER_POLICY, ProviderPolicyRegistry } from '@callfleet/resilience';
import { type ProviderAccount, TwilioAdapter } from '@callfleet/telephony';
import { waitFor } from '@callfleet/testing';
import type { Subscription } from '@nats-io/transport-node';
import { IngestHarness } from './ingest-harness';
import { SIM_TWILIO, Simulator } from './simulator';

/** Calls placed through the Twilio adapter at the simulator, reported back through webhook-ingest. */
describe('simulated calls: Twilio adapter → simulator → webhook-ingest → INGRESS', () => {
  let ingest: IngestHarness;
  let sim: Simulator;
  let account: ProviderAccountDto;
  let orchestrator: Subscription;
  const flowRequests: Record<string, unknown>[] = [];

  beforeAll(async () => {
    ingest = await IngestHarness.start();
    // 100x: a minute of talk takes 0.6 s; callbacks are not retried past the test.
    sim = await Simulator.start({ TIME_SCALE: '100', WEBHOOK_RETRIES: '1' });
    account = await ingest.createAccount(randomUUID(), {
      provider: 'twilio',
      name: 'simulated',
      apiBaseUrl: sim.url,
      credentials: SIM_TWILIO,
    });
    // Stands in for call-orchestrator on calls.v1.flow: listen 20 s, then hang up.
    const nc = await ingest.client();
    orchestrator = nc.subscribe(ingest.ns.subject(CallCommands.Flow.subject), {
      callback: (_error, msg) => {
        flowRequests.push(msg.json());
        msg.respond(
          JSON.stringify({
            contentType: 'application/xml',
            body: '<Response><Pause length="20"/><Hangup/></Response>',
          }),
        );
      },
    });
    await nc.flush();
  });

  afterAll(async () => {
    orchestrator?.unsubscribe();
    await sim?.stop();
    await ingest?.stop();
  });

  const adapterAccount = (): ProviderAccount => ({
    accountKey: account.accountKey,
    apiBaseUrl: sim.url,
    credentials: SIM_TWILIO,
  });

  it('reports initiated → ringing → answered → completed in order, then the recording', async () => {
    const adapter = new TwilioAdapter({ policies: new ProviderPolicyRegistry(new MetricsService('calls-test')) });
    const placed = await adapter.placeCall(adapterAccount(), {
      to: '+15005550002',
      from: '+15005550006',
      flowUrl: account.webhookUrls.voice,
      statusCallbackUrl: account.webhookUrls.status,
      record: true,
      recordingStatusCallbackUrl: account.webhookUrls.recording,
    });

    const events = await waitFor(
      async () => {
        const mine = (await ingest.storedEvents()).filter((s) => s.event.callId === placed.callId);
        return mine.some((s) => s.event.kind === 'recording') && mine;
      },
      20_000,
      'the call to end and its recording to be reported',
    );
    expect(events.filter((s) => s.event.kind === 'call-status').map((s) => s.event.status)).toEqual([
      'initiated',
      'ringing',
      'answered',
      'completed',
    ]);
    expect(events.at(-1)).toMatchObject({
      subject: 'ingress.twilio.v1.recording',
      event: { kind: 'recording', recording: { status: 'completed', url: expect.stringMatching(/^http/) } },
    });
    expect(flowRequests).toContainEqual(
      expect.objectContaining({ callId: placed.callId, accountKey: account.accountKey }),
    );
  });

  it("opens the account's breaker on the failing-API scenario, fails fast while open, recovers after the cool-down", async () => {
    const metrics = new MetricsService('breaker-test');
    const policies = new ProviderPolicyRegistry(metrics, {
      ...DEFAULT_PROVIDER_POLICY,
      backoff: { baseDelayMs: 1, maxDelayMs: 5 },
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_000 },
    });
    const adapter = new TwilioAdapter({ policies });
    const breakerState = async () => {
      const values = (await metrics.registry.getSingleMetric('callfleet_provider_breaker_state')?.get())?.values ?? [];
      return values.find((v) => v.labels.policy === `twilio:${account.accountKey}`)?.value;
    };
    const providerRequests = async () =>
      (
        await sim.admin<{ items: unknown[] }>(
          'GET',
          `/requests?path=/2010-04-01/Accounts/${SIM_TWILIO.accountSid}/Calls.json`,
        )
      ).items.length;
    const call = (to: string) =>
      adapter.placeCall(adapterAccount(), { to, from: '+15005550006', instructions: '<Response><Hangup/></Response>' });

    // Numbers ending in 0500: the provider API answers 500.
    for (let i = 0; i < 3; i++)
      await expect(call('+15005550500')).rejects.toMatchObject({ code: 'EXTERNAL_SERVICE_ERROR' });
    expect(await breakerState()).toBe(1);

    const before = await providerRequests();
    await expect(call('+15005550002')).rejects.toBeInstanceOf(CircuitOpenError);
    expect(await providerRequests()).toBe(before);

    // Once the breaker lets a trial call through (half-open), it succeeds and closes the breaker.
    const placed = await waitFor(
      () =>
        call('+15005550002').catch((error: unknown) =>
          error instanceof CircuitOpenError ? false : Promise.reject(error),
        ),
      10_000,
      'the breaker to let a trial call through',
    );
    expect(placed).toMatchObject({ callId: expect.stringMatching(/^CA/) });
    expect(await breakerState()).toBe(0);
  });
});
