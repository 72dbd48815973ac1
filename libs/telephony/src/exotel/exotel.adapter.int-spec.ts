import { FakeProviderServer, json } from '../../test/fake-provider.server';
import { testPolicies } from '../../test/test-policies';
import type { ProviderAccount } from '../adapter/provider-account';
import { ExotelAdapter } from './exotel.adapter';

describe('ExotelAdapter against an Exotel-shaped API', () => {
  let provider: FakeProviderServer;
  let adapter: ExotelAdapter;
  const account: ProviderAccount = {
    accountKey: 'exo',
    credentials: { accountSid: 'acme1', apiKey: 'key-1', apiToken: 'token-1' },
  };

  beforeAll(async () => {
    provider = await FakeProviderServer.start();
  });
  afterAll(() => provider.stop());
  beforeEach(() => {
    provider.reset();
    adapter = new ExotelAdapter({ policies: testPolicies().policies, baseUrl: provider.url });
  });

  it('connects the dialed number to the call flow, asking for answered and terminal callbacks as JSON', async () => {
    provider.answer(json(200, { Call: { Sid: '80bfbec2d78bbbf10fb851f4fa165211', Status: 'in-progress' } }));
    const placed = await adapter.placeCall(account, {
      to: '09876543210',
      from: '08047112233',
      flowUrl: 'http://my.exotel.com/acme1/exoml/start_voice/926',
      statusCallbackUrl: 'https://hooks.example/webhooks/exotel/exo/s3cret/status',
      record: true,
      timeLimitSec: 600,
    });
    expect(placed).toEqual({ callId: '80bfbec2d78bbbf10fb851f4fa165211', status: 'initiated' });
    const [sent] = provider.requests;
    expect(sent.path).toBe('/v1/Accounts/acme1/Calls/connect.json');
    expect(sent.headers.authorization).toBe(`Basic ${Buffer.from('key-1:token-1').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({
      From: '09876543210',
      CallerId: '08047112233',
      Url: 'http://my.exotel.com/acme1/exoml/start_voice/926',
      StatusCallback: 'https://hooks.example/webhooks/exotel/exo/s3cret/status',
      'StatusCallbackEvents[0]': 'terminal',
      'StatusCallbackEvents[1]': 'answered',
      StatusCallbackContentType: 'application/json',
      Record: 'true',
      TimeLimit: '600',
    });
  });

  it('lists ExoPhones from the v2_beta API, following the path of its absolute next_page_uri', async () => {
    const basic = `Basic ${Buffer.from('key-1:token-1').toString('base64')}`;
    provider.answer(
      json(200, {
        page: 0,
        page_size: 100,
        incoming_phone_numbers: [{ sid: '08030752401', phone_number: '+918030752401', friendly_name: 'Sales' }],
        next_page_uri: 'http://twilix.exotel.com/v2_beta/Accounts/acme1/IncomingPhoneNumbers?Page=1&PageSize=100',
      }),
      json(200, { page: 1, incoming_phone_numbers: [], next_page_uri: null }),
    );
    const first = await adapter.listLines(account);
    expect(first.lines).toEqual([{ providerLineId: '08030752401', number: '+918030752401', label: 'Sales' }]);
    expect(await adapter.listLines(account, first.nextPageToken ?? undefined)).toEqual({
      lines: [],
      nextPageToken: null,
    });
    expect(provider.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v2_beta/Accounts/acme1/IncomingPhoneNumbers?Page=0&PageSize=100', basic],
      ['/v2_beta/Accounts/acme1/IncomingPhoneNumbers?Page=1&PageSize=100', basic],
    ]);
  });

  it('says plainly that mid-call control and recording deletion are not available, without calling Exotel', async () => {
    expect(adapter.capabilities).toEqual({ sendDigits: false, transfer: false, hangUp: false, deleteRecording: false });
    await expect(adapter.hangUp()).rejects.toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    await expect(adapter.deleteRecording()).rejects.toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    expect(provider.requests).toHaveLength(0);
  });

  it('downloads a recording from its storage URL without sending API credentials there', async () => {
    provider.answer({ status: 200, headers: { 'content-type': 'audio/mpeg', 'content-length': '3' }, body: 'ID3' });
    const download = await adapter.fetchRecording(
      { ...account, apiBaseUrl: 'https://api.exotel.com' },
      { recordingId: 'c1', url: `${provider.url}/exotel/recordings/acme1/c1.mp3` },
    );
    download.stream.resume();
    expect(download).toMatchObject({ contentType: 'audio/mpeg', contentLength: 3 });
    expect(provider.requests[0].headers.authorization).toBeUndefined();
  });

  it('in production, refuses a recording URL that points inside the network, without making the request', async () => {
    let fetched = 0;
    const production = new ExotelAdapter({
      policies: testPolicies().policies,
      urlPolicy: { mode: 'production', resolve: async () => ['10.0.0.5'] },
      fetch: (...args) => {
        fetched++;
        return fetch(...args);
      },
    });
    for (const url of [
      `${provider.url}/exotel/recordings/acme1/c1.mp3`,
      'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://auth:3003/metrics',
      // An official host whose DNS answers a private address.
      'https://recordings.exotel.com/exotelrecordings/acme1/c1.mp3',
    ]) {
      await expect(production.fetchRecording(account, { recordingId: 'c1', url })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        status: 400,
      });
    }
    expect(fetched).toBe(0);
    expect(provider.requests).toHaveLength(0);
  });

  it('does not follow a recording redirect to cloud metadata, even outside production', async () => {
    provider.answer({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    await expect(
      adapter.fetchRecording(account, { recordingId: 'c1', url: `${provider.url}/exotel/recordings/acme1/c1.mp3` }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(provider.requests).toHaveLength(1);
  });
});
