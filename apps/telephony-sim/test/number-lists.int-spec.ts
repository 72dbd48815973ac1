import { MetricsService } from '@callfleet/platform';
import { ProviderPolicyRegistry } from '@callfleet/resilience';
import {
  allProviderLines,
  ExotelAdapter,
  type ProviderAccount,
  type ProviderLine,
  RingCentralAdapter,
  type TelephonyProviderAdapter,
  TwilioAdapter,
} from '@callfleet/telephony';
import { startTestService, testNamespace } from '@callfleet/testing';
import { telephonySimService } from '../src/telephony-sim.definition';
import { ADMIN_TOKEN, SimClient } from './sim-client';

async function all(adapter: TelephonyProviderAdapter, account: ProviderAccount): Promise<ProviderLine[]> {
  const lines: ProviderLine[] = [];
  for await (const line of allProviderLines(adapter, account)) lines.push(line);
  return lines;
}

/** The providers' number and extension lists, read to the end by the real adapters through each provider's own paging. */
describe('telephony-sim: number and extension lists', () => {
  let sim: Awaited<ReturnType<typeof startTestService>>;
  let client: SimClient;
  const policies = new ProviderPolicyRegistry(new MetricsService('number-lists-test'));
  const adapters = () => ({
    twilio: new TwilioAdapter({ policies, baseUrl: sim.url }),
    exotel: new ExotelAdapter({ policies, baseUrl: sim.url }),
    ringcentral: new RingCentralAdapter({ policies, baseUrl: sim.url }),
  });

  beforeAll(async () => {
    sim = await startTestService(telephonySimService, {
      namespace: testNamespace(),
      env: { SIM_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn' },
    });
    client = new SimClient(sim.url);
  });
  afterAll(() => sim?.close());

  it('gives each dev account 250 distinct numbers over several pages, none ending in a scenario suffix', async () => {
    const twilio = await all(adapters().twilio, {
      accountKey: 'dev-twilio',
      credentials: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: '0123456789abcdef0123456789abcdef' },
    });
    const exotel = await all(adapters().exotel, {
      accountKey: 'dev-exotel',
      credentials: { accountSid: 'callfleet-dev', apiKey: 'dev-exotel-key', apiToken: 'dev-exotel-token' },
    });
    const ringcentral = await all(adapters().ringcentral, {
      accountKey: 'dev-rc',
      credentials: { accessToken: 'dev-ringcentral-access-token' },
    });
    for (const lines of [twilio, exotel, ringcentral]) {
      expect(lines).toHaveLength(250);
      expect(new Set(lines.map((l) => l.providerLineId)).size).toBe(250);
      expect(new Set(lines.map((l) => l.number)).size).toBe(250);
      expect(lines.filter((l) => /0\d{3}$/.test(l.number))).toEqual([]);
    }
    expect(twilio[0]).toMatchObject({
      providerLineId: expect.stringMatching(/^PN[0-9a-f]{32}$/),
      number: expect.stringMatching(/^\+1\d{10}$/),
    });
    expect(exotel[0].number).toMatch(/^\+91\d{10}$/);
    // The call queue RingCentral lists among the extensions cannot call out, so it is not a line.
    expect(ringcentral.map((l) => l.label)).not.toContain('Support queue');
    expect(ringcentral[0]).toEqual({ providerLineId: '200000001', number: '1000', label: 'Agent 1' });
  });

  it('pages in each format: Twilio PageSize/PageToken, Exotel Page/PageSize, RingCentral page/perPage with navigation', async () => {
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const sid = 'AC0123456789abcdef0123456789abcdef';
    const twilioPage = (await (
      await client.raw(`/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json?PageSize=100`, {
        headers: { authorization: basic(sid, '0123456789abcdef0123456789abcdef') },
      })
    ).json()) as Record<string, unknown> & { incoming_phone_numbers: { sid: string }[] };
    expect(twilioPage.incoming_phone_numbers).toHaveLength(100);
    expect(twilioPage.next_page_uri).toBe(
      `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json?PageSize=100&Page=1&PageToken=PA${twilioPage.incoming_phone_numbers[99].sid}`,
    );

    const exotelPage = (await (
      await client.raw('/v2_beta/Accounts/callfleet-dev/IncomingPhoneNumbers?Page=4&PageSize=50', {
        headers: { authorization: basic('dev-exotel-key', 'dev-exotel-token') },
      })
    ).json()) as Record<string, unknown> & { incoming_phone_numbers: unknown[] };
    expect(exotelPage).toMatchObject({ page: 4, page_size: 50, next_page_uri: null });
    expect(exotelPage.previous_page_uri).toBe(
      `${sim.url}/v2_beta/Accounts/callfleet-dev/IncomingPhoneNumbers?Page=3&PageSize=50`,
    );
    expect(exotelPage.incoming_phone_numbers).toHaveLength(50);

    const rcPage = (await (
      await client.raw('/restapi/v1.0/account/~/extension?page=3&perPage=100', {
        headers: { authorization: 'Bearer dev-ringcentral-access-token' },
      })
    ).json()) as { records: unknown[]; paging: Record<string, unknown>; navigation: Record<string, unknown> };
    // 250 users and the call queue: 251 records, the third page holds 51.
    expect(rcPage.records).toHaveLength(51);
    expect(rcPage.paging).toMatchObject({ page: 3, totalPages: 3, perPage: 100, totalElements: 251 });
    expect(rcPage.navigation.nextPage).toBeUndefined();
    expect(rcPage.navigation.previousPage).toEqual({
      uri: `${sim.url}/restapi/v1.0/account/400000001/extension?page=2&perPage=100`,
    });
  });

  it('lets a test set how many numbers an account has: fewer drops the last ones, the rest stay as they were', async () => {
    const created = await client.createAccount({ flavour: 'twilio', numberCount: 120 });
    const account: ProviderAccount = {
      accountKey: 'created',
      credentials: { accountSid: created.sid, authToken: created.authToken },
    };
    const before = await all(adapters().twilio, account);
    expect(before).toHaveLength(120);
    expect((await client.admin('PATCH', `/accounts/${created.sid}`, { numberCount: 110 })).status).toBe(200);
    const after = await all(adapters().twilio, account);
    expect(after).toEqual(before.slice(0, 110));
  });

  it("answers a bad page size, or another account's credentials, in the provider's own error format", async () => {
    const sid = 'AC0123456789abcdef0123456789abcdef';
    const bad = await client.raw(`/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json?PageSize=5000`, {
      headers: { authorization: `Basic ${Buffer.from(`${sid}:0123456789abcdef0123456789abcdef`).toString('base64')}` },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 20001 });
    const unauthenticated = await client.raw('/v2_beta/Accounts/callfleet-dev/IncomingPhoneNumbers', {
      headers: { authorization: `Basic ${Buffer.from('dev-exotel-key:wrong').toString('base64')}` },
    });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ RestException: { Status: 401 } });
  });
});
