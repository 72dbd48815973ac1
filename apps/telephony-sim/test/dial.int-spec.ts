import { startTestService, testNamespace, waitFor } from '@callfleet/testing';
import twilio from 'twilio';
import { pickScenario } from '../src/calls/scenarios';
import type { CurrentBridge, DialAttempt, SimCall } from '../src/calls/sim-call';
import { telephonySimService } from '../src/telephony-sim.definition';
import { ADMIN_TOKEN, SimClient } from './sim-client';
import { type ReceivedRequest, WebhookReceiver } from './webhook-receiver';

const PERSON = '+15550000002';
const xml = (body: string) => ({ status: 200, headers: { 'content-type': 'text/xml' }, body });

/**
 * `<Dial>` as a hand-off meets it: each destination number's outcome reaches the `action` as
 * Twilio's DialCallStatus, the person who answered stays on the line while the destination rings,
 * hears what our side says between redials, and the admin API shows who was bridged to whom.
 */
describe('telephony-sim: <Dial> destinations', () => {
  let sim: Awaited<ReturnType<typeof startTestService>>;
  let client: SimClient;
  let receiver: WebhookReceiver;
  let account: { sid: string; authToken: string };

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sim = await startTestService(telephonySimService, {
      namespace: testNamespace(),
      env: {
        SIM_ADMIN_TOKEN: ADMIN_TOKEN,
        WEBHOOK_RETRY_BASE_MS: '20',
        LOG_LEVEL: 'warn',
        // What `npm start` sets (tools/fleet): only the dev accounts' holds change.
        SIM_DEV_HOLD_MIN_SECONDS: '30',
        SIM_DEV_HOLD_MAX_SECONDS: '90',
      },
    });
    client = new SimClient(sim.url);
    // 100x: a 30 s ring takes 0.3 s; the person's 5-10 min of patience with a hand-off, 3-6 s.
    account = await client.createAccount({ flavour: 'twilio', timeScale: 100, seed: 'dial-spec' });
  });
  afterAll(async () => {
    await sim?.close();
    await receiver?.stop();
  });

  const placeCall = async (twiml: string, to = PERSON) => {
    const response = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', to],
      ['From', '+15005550006'],
      ['Twiml', twiml],
    ]);
    expect(response.status).toBe(201);
    return ((await response.json()) as { sid: string }).sid;
  };
  const actionsOf = (path: string, sid: string) => receiver.at(path).filter((r) => r.form.CallSid === sid);
  const isSigned = (request: ReceivedRequest) =>
    twilio.validateRequest(account.authToken, String(request.headers['x-twilio-signature']), request.url, request.form);
  const dialsOf = async (sid: string) =>
    (await (await client.admin('GET', `/calls/${sid}/dials`)).json()) as {
      items: DialAttempt[];
      bridge: CurrentBridge | null;
    };
  const heardOf = async (sid: string) =>
    (await (await client.admin('GET', `/calls/${sid}/heard`)).json()) as { said: string[]; digits: string[] };
  const ended = (sid: string) =>
    waitFor(
      async () => {
        const call = await client.call(sid);
        return call.endedAt !== undefined && call;
      },
      20_000,
      `call ${sid} to end`,
    );

  it.each([
    ['1101', 'busy'],
    ['1102', 'no-answer'],
    ['1103', 'failed'],
  ])(
    'a destination ending in %s: the action gets DialCallStatus=%s, signed, and its TwiML goes on',
    async (suffix, status) => {
      receiver.on(`/dial-${suffix}`, () =>
        xml('<Response><Say>Sorry, nobody can take your call.</Say><Hangup/></Response>'),
      );
      const sid = await placeCall(
        `<Response><Dial timeout="10" action="${receiver.url}/dial-${suffix}"><Number>+1555000${suffix}</Number></Dial></Response>`,
      );
      const action = await waitFor(async () => actionsOf(`/dial-${suffix}`, sid)[0], 15_000, 'the dial action');
      const call = await ended(sid);

      expect(action.form).toMatchObject({
        DialCallStatus: status,
        DialCallSid: call.dials[0].dialCallSid,
        DialBridged: 'false',
      });
      expect(action.form.DialCallDuration).toBeUndefined();
      expect(action.form.CallStatus).toBe('in-progress');
      expect(isSigned(action)).toBe(true);
      expect(call.dials).toMatchObject([
        { destination: { kind: 'number', value: `+1555000${suffix}` }, status, attempt: 0 },
      ]);
      // The person heard the apology, then our side hung up: nobody hung up on them unannounced.
      expect(call.heard.filter((h) => h.kind === 'say')).toMatchObject([{ text: 'Sorry, nobody can take your call.' }]);
      expect(call.history.find((h) => h.type === 'hang-up')).toMatchObject({ by: 'instructions' });
      expect(call.bridgedTo).toBeUndefined();
    },
  );

  it('an answering destination (1100) is bridged until the far end hangs up; the action gets completed with the duration', async () => {
    receiver.on('/dial-1100', () => xml('<Response/>'));
    const sid = await placeCall(
      `<Response><Dial callerId="+15017122661" action="${receiver.url}/dial-1100"><Number sendDigits="ww204">+15550001100</Number></Dial></Response>`,
    );
    const bridged = await waitFor(async () => (await dialsOf(sid)).bridge, 15_000, 'the bridge');
    const during = await dialsOf(sid);
    expect(during.items).toMatchObject([{ status: 'in-progress', digitsSent: 'ww204', scenario: 'answers' }]);
    expect(bridged).toMatchObject({
      target: { kind: 'number', value: '+15550001100' },
      dialCallSid: during.items[0].dialCallSid,
    });

    const action = await waitFor(async () => actionsOf('/dial-1100', sid)[0], 15_000, 'the dial action');
    const call = await ended(sid);
    expect(action.form).toMatchObject({ DialCallStatus: 'completed', DialBridged: 'true', CallStatus: 'completed' });
    expect(Number(action.form.DialCallDuration)).toBe(call.dials[0].durationSeconds);
    // The bridge lasted the far end's bridged conversation (simulated seconds, to the timer's rounding).
    expect(Math.abs((call.dials[0].durationSeconds ?? 0) - call.plan.bridgedSeconds)).toBeLessThanOrEqual(1);
    expect(call.history.find((h) => h.type === 'hang-up')).toMatchObject({
      by: 'far-end',
      reason: 'bridged conversation ended',
    });
    expect(call.bridge).toBeNull();
    const phases = call.history.flatMap((h) => (h.type === 'far-end' ? [h.phase] : []));
    expect(phases).toEqual(['ringing', 'live-agent', 'waiting', 'bridged']);
  });

  it('keeps the far end on the line while the destination rings; a redirect cancels the dial', async () => {
    const sid = await placeCall(
      `<Response><Dial timeout="600" action="${receiver.url}/never"><Number>+15550001102</Number></Dial></Response>`,
    );
    const ringing = await waitFor(
      async () => {
        const call = await client.call(sid);
        return call.dials[0]?.status === 'ringing' && call.farEndPhase === 'waiting' && call;
      },
      10_000,
      'the destination ringing',
    );
    expect(ringing.status).toBe('in-progress');
    expect(ringing.bridge).toBeNull();

    const redirect = await client.twilio(account, 'POST', `/Calls/${sid}.json`, [
      ['Twiml', '<Response><Say>We could not connect you.</Say><Hangup/></Response>'],
    ]);
    expect(redirect.status).toBe(200);
    const call = await ended(sid);
    expect(call.dials[0].status).toBe('canceled');
    expect((await heardOf(sid)).said).toEqual(['We could not connect you.']);
    expect(receiver.at('/never')).toEqual([]);
  });

  it('a hang-up while the destination rings tells the action canceled', async () => {
    receiver.on('/dial-cancel', () => xml('<Response/>'));
    const sid = await placeCall(
      `<Response><Dial timeout="600" action="${receiver.url}/dial-cancel"><Sip>sip:queue-1102@pbx.example</Sip></Dial></Response>`,
    );
    await waitFor(async () => (await client.call(sid)).dials[0]?.status === 'ringing', 10_000, 'ringing');
    expect((await client.twilio(account, 'POST', `/Calls/${sid}.json`, [['Status', 'completed']])).status).toBe(200);
    const action = await waitFor(async () => actionsOf('/dial-cancel', sid)[0], 15_000, 'the dial action');
    expect(action.form).toMatchObject({ DialCallStatus: 'canceled', CallStatus: 'completed' });
    expect((await ended(sid)).dials).toMatchObject([{ status: 'canceled', scenario: 'no-answer' }]);
  });

  it('retries a destination that does not answer its first two dials (1112): the person hears the hold message, the third dial connects', async () => {
    const destination = '+15550001112';
    const dial = `<Dial timeout="20" action="${receiver.url}/handoff"><Number>${destination}</Number></Dial>`;
    receiver.on('/handoff', (request) =>
      request.form.DialCallStatus === 'no-answer'
        ? xml(`<Response><Say>Please hold, we are still connecting you.</Say><Pause length="5"/>${dial}</Response>`)
        : xml('<Response/>'),
    );
    const sid = await placeCall(`<Response><Say>Connecting you now.</Say>${dial}</Response>`);
    const bridge = await waitFor(async () => (await dialsOf(sid)).bridge, 20_000, 'the third dial to connect');
    const { items } = await dialsOf(sid);
    expect(items.map((d) => [d.attempt, d.status])).toEqual([
      [0, 'no-answer'],
      [1, 'no-answer'],
      [2, 'in-progress'],
    ]);
    expect(bridge?.dialCallSid).toBe(items[2].dialCallSid);
    const bridges = (await (await client.admin('GET', `/bridges?accountSid=${account.sid}`)).json()) as {
      items: { callSid: string; to: string; destination: { value: string }; current: boolean }[];
    };
    expect(bridges.items.filter((b) => b.callSid === sid)).toEqual([
      expect.objectContaining({
        to: PERSON,
        destination: expect.objectContaining({ value: destination }),
        current: true,
      }),
    ]);
    expect((await client.call(sid)).status).toBe('in-progress');
    expect((await heardOf(sid)).said).toEqual([
      'Connecting you now.',
      'Please hold, we are still connecting you.',
      'Please hold, we are still connecting you.',
    ]);

    await ended(sid);
    const statuses = actionsOf('/handoff', sid).map((r) => r.form.DialCallStatus);
    expect(statuses).toEqual(['no-answer', 'no-answer', 'completed']);
    // Dials are counted per destination number on the account: the next call's first dial answers.
    const next = await placeCall(`<Response>${dial}</Response>`);
    await waitFor(async () => (await dialsOf(next)).bridge, 15_000, 'the fourth dial to connect');
    expect((await dialsOf(next)).items[0].attempt).toBe(3);
    await client.twilio(account, 'POST', `/Calls/${next}.json`, [['Status', 'completed']]);
  });

  it('a destination that answers then hangs up (1104) returns the far end to the instructions; without an action the next verb runs', async () => {
    const sid = await placeCall(
      '<Response><Dial><Number>+15550001101</Number></Dial><Say>The line was busy.</Say>' +
        '<Dial><Number>+15550001104</Number></Dial><Say>Welcome back.</Say><Hangup/></Response>',
    );
    const call = await ended(sid);
    expect(call.dials.map((d) => d.status)).toEqual(['busy', 'completed']);
    expect(Math.abs((call.dials[1].durationSeconds ?? 0) - 10)).toBeLessThanOrEqual(1);
    expect(call.heard.flatMap((h) => (h.kind === 'say' ? [h.text] : []))).toEqual([
      'The line was busy.',
      'Welcome back.',
    ]);
    expect(call.history.some((h) => h.type === 'unbridged' && h.reason === 'destination hung up')).toBe(true);
    expect(call.history.find((h) => h.type === 'hang-up')).toMatchObject({ by: 'instructions' });
  });

  it('the hunting number (0010) gives each call its own seeded outcome, mostly a hold then a person', async () => {
    const hunting = '+15550000010';
    const sids: string[] = [];
    for (let i = 0; i < 12; i++) sids.push(await placeCall('<Response><Pause length="600"/></Response>', hunting));
    const calls: SimCall[] = await Promise.all(sids.map((sid) => client.call(sid)));
    expect(calls.map((c) => c.scenario)).toEqual(
      Array.from({ length: 12 }, (_, attempt) => pickScenario(hunting, 'dial-spec', attempt).scenario),
    );
    expect(new Set(calls.map((c) => c.scenarioSource))).toEqual(new Set(['hunting']));
    expect(new Set(calls.map((c) => c.scenario)).size).toBeGreaterThan(1);
    expect(calls.filter((c) => c.scenario === 'ivr-hold-agent').length).toBeGreaterThanOrEqual(5);
    for (const sid of sids) await client.twilio(account, 'POST', `/Calls/${sid}.json`, [['Status', 'completed']]);
  });

  it('answers 404 for the dials and the heard texts of an unknown call', async () => {
    expect((await client.admin('GET', '/calls/CA0000/dials')).status).toBe(404);
    expect((await client.admin('GET', '/calls/CA0000/heard')).status).toBe(404);
  });

  it("gives the dev accounts the demo's 30-90 s holds (also after a reset), other accounts the defaults", async () => {
    const dev = async () =>
      (await (await client.admin('GET', '/accounts/AC0123456789abcdef0123456789abcdef')).json()) as {
        holdSeconds: { min: number; max: number };
        timeScale: number;
      };
    expect(await dev()).toMatchObject({ holdSeconds: { min: 30, max: 90 }, timeScale: 1 });
    const other = await client.createAccount({ flavour: 'twilio' });
    const described = await (await client.admin('GET', `/accounts/${other.sid}`)).json();
    expect(described).toMatchObject({ holdSeconds: { min: 120, max: 900 } });
    expect((await client.admin('POST', '/reset')).status).toBe(200);
    expect((await dev()).holdSeconds).toEqual({ min: 30, max: 90 });
  });
});
