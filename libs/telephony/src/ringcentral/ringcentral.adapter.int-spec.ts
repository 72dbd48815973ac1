import { FakeProviderServer, json } from '../../test/fake-provider.server';
import { testPolicies } from '../../test/test-policies';
import type { ProviderAccount } from '../adapter/provider-account';
import { RingCentralAdapter } from './ringcentral.adapter';

const sessionId = 's-a0d7e1d5c6f0e4d6f8b1e3f0c6d5e4b1';
const partyId = 'p-a0d7e1d5c6f0e4d6f8b1e3f0c6d5e4b1-1';

describe('RingCentralAdapter against a RingCentral-shaped API', () => {
  let provider: FakeProviderServer;
  let adapter: RingCentralAdapter;
  const account: ProviderAccount = { accountKey: 'rc', credentials: { accessToken: 'U0pDMDFQMDFKV1MwMXxBQUJ' } };

  beforeAll(async () => {
    provider = await FakeProviderServer.start();
  });
  afterAll(() => provider.stop());
  beforeEach(() => {
    provider.reset();
    adapter = new RingCentralAdapter({ policies: testPolicies().policies, baseUrl: provider.url });
  });

  it('places a call-out from a device with a bearer token, returning session and party', async () => {
    provider.answer(
      json(200, {
        session: { id: sessionId, parties: [{ id: partyId, status: { code: 'Setup' }, direction: 'Outbound' }] },
      }),
    );
    const placed = await adapter.placeCall(account, { to: '+16505550100', from: '59586067004' });
    expect(placed).toEqual({ callId: sessionId, partyId, status: 'initiated' });
    const [sent] = provider.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/restapi/v1.0/account/~/telephony/call-out' });
    expect(sent.headers.authorization).toBe('Bearer U0pDMDFQMDFKV1MwMXxBQUJ');
    expect(JSON.parse(sent.body)).toEqual({ from: { deviceId: '59586067004' }, to: { phoneNumber: '+16505550100' } });
  });

  it('transfers a party to an extension', async () => {
    await adapter.transfer(account, { callId: sessionId, partyId, target: { extensionNumber: '204' } });
    expect(provider.requests[0]).toMatchObject({
      method: 'POST',
      path: `/restapi/v1.0/account/~/telephony/sessions/${sessionId}/parties/${partyId}/transfer`,
    });
    expect(JSON.parse(provider.requests[0].body)).toEqual({ extensionNumber: '204' });
  });

  it('needs the party to transfer', async () => {
    await expect(adapter.transfer(account, { callId: sessionId, target: { phoneNumber: '+1' } })).rejects.toMatchObject(
      {
        code: 'VALIDATION_ERROR',
      },
    );
  });

  it('hangs up by deleting the session; a session already gone counts as hung up', async () => {
    provider.answer({ status: 204 }, json(404, { errorCode: 'TAS-102', message: 'Session not found' }));
    await adapter.hangUp(account, { callId: sessionId });
    await adapter.hangUp(account, { callId: sessionId });
    expect(provider.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE /restapi/v1.0/account/~/telephony/sessions/${sessionId}`,
      `DELETE /restapi/v1.0/account/~/telephony/sessions/${sessionId}`,
    ]);
  });

  it('hands a call-out 429 with a long Retry-After back to the caller instead of waiting it out', async () => {
    provider.answer(json(429, { errorCode: 'CMN-301', message: 'Request rate exceeded' }, { 'retry-after': '60' }));
    await expect(adapter.placeCall(account, { to: '+16505550100', from: '59586067004' })).rejects.toMatchObject({
      code: 'EXTERNAL_SERVICE_ERROR',
      details: { upstreamStatus: 429, retryAfterMs: 60_000, upstreamMessage: 'CMN-301: Request rate exceeded' },
    });
    expect(provider.requests).toHaveLength(1);
  });

  it('lists extensions page by page through navigation.nextPage, with the bearer token', async () => {
    provider.answer(
      json(200, {
        records: [{ id: 200000001, extensionNumber: '101', name: 'Desk', type: 'User', status: 'Enabled' }],
        paging: { page: 1, totalPages: 2, perPage: 100 },
        navigation: {
          nextPage: { uri: `${provider.url}/restapi/v1.0/account/400000001/extension?page=2&perPage=100` },
        },
      }),
      json(200, { records: [], paging: { page: 2, totalPages: 2, perPage: 100 }, navigation: {} }),
    );
    const first = await adapter.listLines(account);
    expect(first.lines).toEqual([{ providerLineId: '200000001', number: '101', label: 'Desk' }]);
    expect(await adapter.listLines(account, first.nextPageToken ?? undefined)).toEqual({
      lines: [],
      nextPageToken: null,
    });
    expect(provider.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /restapi/v1.0/account/~/extension?page=1&perPage=100',
      'GET /restapi/v1.0/account/400000001/extension?page=2&perPage=100',
    ]);
    expect(provider.requests[1].headers.authorization).toBe('Bearer U0pDMDFQMDFKV1MwMXxBQUJ');
  });

  it('fetches recording content by id', async () => {
    provider.answer({ status: 200, headers: { 'content-type': 'audio/mpeg' }, body: 'ID3' });
    const download = await adapter.fetchRecording(account, { recordingId: '2154335017' });
    download.stream.resume();
    expect(provider.requests[0].path).toBe('/restapi/v1.0/account/~/recording/2154335017/content');
    expect(download.contentType).toBe('audio/mpeg');
  });
});
