import { startTestService, testNamespace, waitFor } from '@callfleet/testing';
import { telephonySimService } from '../src/telephony-sim.definition';
import { ADMIN_TOKEN, SimClient } from './sim-client';
import { WebhookReceiver } from './webhook-receiver';

/** The same call lifecycle in Exotel's and RingCentral's shapes, and recording downloads that misbehave. */
describe('telephony-sim: Exotel, RingCentral and recording downloads', () => {
  let sim: Awaited<ReturnType<typeof startTestService>>;
  let client: SimClient;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sim = await startTestService(telephonySimService, {
      namespace: testNamespace(),
      env: { SIM_ADMIN_TOKEN: ADMIN_TOKEN, WEBHOOK_RETRY_BASE_MS: '20', LOG_LEVEL: 'warn', TIME_SCALE: '100' },
    });
    client = new SimClient(sim.url);
  });
  afterAll(async () => {
    await sim?.close();
    await receiver?.stop();
  });

  describe('RingCentral', () => {
    let rc: { sid: string; authToken: string };
    const rcFetch = (method: string, path: string, body?: unknown, token = rc.authToken) =>
      client.raw(`/restapi/v1.0${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const subscribe = (address: string, verificationToken = 'rc-verify-1') =>
      rcFetch('POST', '/subscription', {
        eventFilters: ['/restapi/v1.0/account/~/extension/~/telephony/sessions'],
        deliveryMode: { transportType: 'WebHook', address, verificationToken },
        expiresIn: 3600,
      });

    beforeAll(async () => {
      rc = await client.createAccount({ flavour: 'ringcentral' });
      // The receiver echoes Validation-Token on the handshake, like webhook-ingest must.
      receiver.on('/rc', (request) =>
        request.headers['validation-token']
          ? { status: 200, headers: { 'validation-token': String(request.headers['validation-token']) } }
          : { status: 200 },
      );
      receiver.on('/rc-mute', () => ({ status: 200 }));
    });

    it('creates a subscription only after the Validation-Token handshake, and renews it', async () => {
      const refused = await subscribe(`${receiver.url}/rc-mute`);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ errorCode: 'SUB-523' });

      const created = await subscribe(`${receiver.url}/rc`);
      expect(created.status).toBe(200);
      const subscription = (await created.json()) as { id: string; status: string; expirationTime: string };
      expect(subscription.status).toBe('Active');
      const handshake = receiver.at('/rc')[0];
      expect(handshake.headers['validation-token']).toMatch(/^[0-9a-f-]{36}$/);
      expect(handshake.body).toBe('');

      // Renewal restarts the lifetime from now: renewed until the clock has moved past the creation.
      await waitFor(async () => {
        const renewed = await rcFetch('POST', `/subscription/${subscription.id}/renew`);
        expect(renewed.status).toBe(200);
        const body = (await renewed.json()) as { expirationTime: string };
        return Date.parse(body.expirationTime) > Date.parse(subscription.expirationTime) && body;
      });
      expect((await rcFetch('POST', '/subscription/not-a-subscription/renew')).status).toBe(404);
      expect((await rcFetch('GET', '/subscription', undefined, 'wrong-token')).status).toBe(401);
    });

    it('reports a call-out as telephony-session notifications with the Verification-Token, through transfer and hang-up', async () => {
      const response = await rcFetch('POST', '/account/~/telephony/call-out', {
        from: { deviceId: '800000001' },
        to: { phoneNumber: '+15550000002' },
      });
      expect(response.status).toBe(201);
      const { session } = (await response.json()) as {
        session: { id: string; parties: { id: string; status: { code: string } }[] };
      };
      const partyId = session.parties[0].id;
      const notifications = () =>
        receiver
          .at('/rc')
          .filter((r) => r.body && JSON.parse(r.body).body?.telephonySessionId === session.id)
          .map((r) => ({ headers: r.headers, json: JSON.parse(r.body) }));

      await waitFor(async () => notifications().some((n) => n.json.body.parties[0].status.code === 'Answered'));
      const transfer = await rcFetch(
        'POST',
        `/account/~/telephony/sessions/${session.id}/parties/${partyId}/transfer`,
        {
          phoneNumber: '+15557770000',
        },
      );
      expect(transfer.status).toBe(200);
      const again = await rcFetch('POST', `/account/~/telephony/sessions/${session.id}/parties/${partyId}/transfer`, {
        phoneNumber: '+15557770000',
      });
      expect(again.status).toBe(409);
      expect((await rcFetch('DELETE', `/account/~/telephony/sessions/${session.id}`)).status).toBe(204);

      await waitFor(async () => notifications().some((n) => n.json.body.parties[0].status.code === 'Disconnected'));
      const seen = notifications();
      expect(seen.map((n) => n.json.body.parties[0].status.code)).toEqual([
        'Setup',
        'Proceeding',
        'Answered',
        'Gone',
        'Disconnected',
      ]);
      expect(seen.map((n) => n.json.body.sequence)).toEqual([1, 2, 3, 4, 5]);
      expect(seen.every((n) => n.headers['verification-token'] === 'rc-verify-1')).toBe(true);
      expect(seen[0].json).toMatchObject({
        event: `/restapi/v1.0/account/${rc.sid}/extension/200000001/telephony/sessions`,
        body: {
          origin: { type: 'Call' },
          parties: [{ id: partyId, direction: 'Outbound', to: { phoneNumber: '+15550000002' } }],
        },
      });
    });
  });

  describe('Exotel', () => {
    it('connects a number to a flow and posts answered and terminal callbacks (form-encoded, unsigned)', async () => {
      const exotel = await client.createAccount({ flavour: 'exotel', apiKey: 'key-1' });
      const response = await client.raw(`/v1/Accounts/${exotel.sid}/Calls/connect.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`key-1:${exotel.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams([
          ['From', '+15550000006'],
          ['CallerId', '08047112233'],
          ['Url', 'http://my.exotel.com/sim/exoml/start_voice/1'],
          ['StatusCallback', `${receiver.url}/exotel`],
          ['StatusCallbackEvents[0]', 'answered'],
          ['StatusCallbackEvents[1]', 'terminal'],
          ['Record', 'true'],
        ]).toString(),
      });
      expect(response.status).toBe(200);
      const { Call } = (await response.json()) as { Call: { Sid: string; Status: string } };
      expect(Call.Sid).toMatch(/^[0-9a-f]{32}$/);

      const callbacks = await waitFor(async () => {
        const mine = receiver.at('/exotel').filter((r) => r.form.CallSid === Call.Sid);
        return mine.length >= 2 && mine;
      });
      expect(callbacks.map((c) => [c.form.EventType, c.form.Status])).toEqual([
        ['answered', 'in-progress'],
        ['terminal', 'completed'],
      ]);
      expect(callbacks[1].form['Legs[0][Status]']).toBe('completed');
      expect(callbacks[1].form.RecordingUrl).toMatch(/\.mp3$/);
      expect(callbacks[1].headers['x-twilio-signature']).toBeUndefined();
      const mp3 = await fetch(callbacks[1].form.RecordingUrl);
      expect(mp3.headers.get('content-type')).toBe('audio/mpeg');

      const wrongKey = await client.raw(`/v1/Accounts/${exotel.sid}/Calls/connect`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${exotel.sid}:nope`).toString('base64')}` },
      });
      expect(wrongKey.status).toBe(401);
    });
  });

  describe('recording downloads', () => {
    let recordingUrl: string;
    let account: { sid: string; authToken: string };

    beforeAll(async () => {
      account = await client.createAccount({ flavour: 'twilio' });
      const response = await client.twilio(account, 'POST', '/Calls.json', [
        ['To', '+15550000005'],
        ['From', '+1555'],
        ['Twiml', '<Response><Pause length="60"/></Response>'],
        ['Record', 'true'],
        ['RecordingStatusCallback', `${receiver.url}/downloads`],
      ]);
      const { sid } = (await response.json()) as { sid: string };
      const callback = await waitFor(async () => receiver.at('/downloads').find((r) => r.form.CallSid === sid));
      recordingUrl = callback.form.RecordingUrl;
    });

    it('fails, truncates or trickles on request (query or account switch)', async () => {
      const failing = await fetch(`${recordingUrl}.wav?simulate=failing`);
      expect(failing.status).toBe(500);

      const truncated = await fetch(`${recordingUrl}.wav?simulate=truncated`);
      const promised = Number(truncated.headers.get('content-length'));
      await expect(truncated.arrayBuffer()).rejects.toThrow();
      expect(promised).toBeGreaterThan(44);

      await client.admin('PATCH', `/accounts/${account.sid}`, { recordingDownload: 'slow' });
      const slow = await fetch(`${recordingUrl}.mp3`);
      const slowBytes = Buffer.from(await slow.arrayBuffer());
      expect(slowBytes.length).toBe(Number(slow.headers.get('content-length')));
      await client.admin('PATCH', `/accounts/${account.sid}`, { recordingDownload: 'normal' });

      const whole = await fetch(`${recordingUrl}.wav`);
      expect(Buffer.from(await whole.arrayBuffer()).length).toBe(promised);
      expect(
        (await fetch(`${recordingUrl.replace(/RE[0-9a-f]+$/, 'RE00000000000000000000000000000000')}.wav`)).status,
      ).toBe(404);
    });

    it('forgets everything on reset but brings the dev accounts back', async () => {
      expect((await client.admin('POST', '/reset')).status).toBe(200);
      expect((await fetch(`${recordingUrl}.wav`)).status).toBe(404);
      const accounts = (await (await client.admin('GET', '/accounts')).json()) as {
        items: { sid: string; flavour: string; authTokenSet: boolean; authToken?: string }[];
      };
      expect(accounts.items.map((a) => a.flavour).sort()).toEqual(['exotel', 'ringcentral', 'twilio']);
      expect(accounts.items.every((a) => a.authToken === undefined && a.authTokenSet)).toBe(true);
      expect(((await (await client.admin('GET', '/calls')).json()) as { items: unknown[] }).items).toEqual([]);
    });
  });
});
