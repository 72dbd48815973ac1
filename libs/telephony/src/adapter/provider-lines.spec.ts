import {
  allProviderLines,
  type LineLister,
  nextPagePath,
  type ProviderLinePage,
  parseIncomingPhoneNumbersPage,
  parseRingCentralExtensionPage,
  requirePageToken,
} from './provider-lines';

const TWILIO_LIST = /^\/2010-04-01\/Accounts\/[^/]+\/IncomingPhoneNumbers\.json$/;
const EXOTEL_LIST = /^\/v2_beta\/Accounts\/[^/]+\/IncomingPhoneNumbers(\.json)?$/;
const RC_LIST = /^\/restapi\/v1\.0\/account\/[^/]+\/extension$/;

describe('parseIncomingPhoneNumbersPage', () => {
  it("reads Twilio's numbers and its relative next_page_uri", () => {
    const page = parseIncomingPhoneNumbersPage(
      {
        incoming_phone_numbers: [
          { sid: 'PN0123456789abcdef0123456789abcdef', phone_number: '+15005550100', friendly_name: '(500) 555-0100' },
          { sid: 'PN1123456789abcdef0123456789abcdef', phone_number: '+15005550101', friendly_name: null },
        ],
        next_page_uri: '/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PageSize=2&Page=1&PageToken=PAPN1',
        page: 0,
        page_size: 2,
      },
      TWILIO_LIST,
    );
    expect(page).toEqual({
      lines: [
        { providerLineId: 'PN0123456789abcdef0123456789abcdef', number: '+15005550100', label: '(500) 555-0100' },
        { providerLineId: 'PN1123456789abcdef0123456789abcdef', number: '+15005550101', label: '' },
      ],
      nextPageToken: '/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PageSize=2&Page=1&PageToken=PAPN1',
    });
  });

  it("follows only the path of Exotel's absolute next_page_uri, never its host", () => {
    const page = parseIncomingPhoneNumbersPage(
      {
        incoming_phone_numbers: [],
        next_page_uri: 'http://twilix.exotel.com/v2_beta/Accounts/Exotel/IncomingPhoneNumbers?Page=1&PageSize=50',
      },
      EXOTEL_LIST,
    );
    expect(page.nextPageToken).toBe('/v2_beta/Accounts/Exotel/IncomingPhoneNumbers?Page=1&PageSize=50');
  });

  it('ends at a null or missing next_page_uri', () => {
    expect(
      parseIncomingPhoneNumbersPage({ incoming_phone_numbers: [], next_page_uri: null }, TWILIO_LIST),
    ).toMatchObject({ nextPageToken: null });
    expect(parseIncomingPhoneNumbersPage({ incoming_phone_numbers: [] }, TWILIO_LIST).nextPageToken).toBeNull();
  });

  it('refuses a malformed page rather than taking part of a list for all of it', () => {
    for (const body of [
      null,
      'text',
      {},
      { incoming_phone_numbers: 'x' },
      { incoming_phone_numbers: [{ sid: 'PN1' }] },
      { incoming_phone_numbers: [{ phone_number: '+15005550100' }] },
      { incoming_phone_numbers: [{ sid: 'PN1', phone_number: '<script>' }] },
      { incoming_phone_numbers: [], next_page_uri: 42 },
      { incoming_phone_numbers: [], next_page_uri: '/2010-04-01/Accounts/AC1/Calls.json?Page=1' },
    ]) {
      expect(() => parseIncomingPhoneNumbersPage(body, TWILIO_LIST)).toThrow(
        expect.objectContaining({ code: 'EXTERNAL_SERVICE_ERROR' }),
      );
    }
  });

  it('cuts a long friendly name', () => {
    const page = parseIncomingPhoneNumbersPage(
      { incoming_phone_numbers: [{ sid: 'PN1', phone_number: '+15005550100', friendly_name: 'x'.repeat(5000) }] },
      TWILIO_LIST,
    );
    expect(page.lines[0].label).toHaveLength(200);
  });
});

describe('parseRingCentralExtensionPage', () => {
  it('reads enabled user extensions (numeric ids as strings) and the absolute nextPage uri', () => {
    const page = parseRingCentralExtensionPage(
      {
        records: [
          { id: 200000001, extensionNumber: '101', name: 'Front desk', type: 'User', status: 'Enabled' },
          { id: 200000002, extensionNumber: '102', name: 'Queue', type: 'Department', status: 'Enabled' },
          { id: 200000003, extensionNumber: '103', name: 'Gone', type: 'User', status: 'Disabled' },
          { id: '200000004', extensionNumber: '104', name: 'Bare' },
        ],
        paging: { page: 1, totalPages: 3, perPage: 4 },
        navigation: {
          nextPage: {
            uri: 'https://platform.ringcentral.com/restapi/v1.0/account/400000001/extension?page=2&perPage=4',
          },
        },
      },
      RC_LIST,
    );
    expect(page).toEqual({
      lines: [
        { providerLineId: '200000001', number: '101', label: 'Front desk' },
        { providerLineId: '200000004', number: '104', label: 'Bare' },
      ],
      nextPageToken: '/restapi/v1.0/account/400000001/extension?page=2&perPage=4',
    });
  });

  it('ends when navigation has no nextPage', () => {
    expect(parseRingCentralExtensionPage({ records: [], navigation: {} }, RC_LIST).nextPageToken).toBeNull();
  });

  it('refuses a page without records or with a next page elsewhere', () => {
    expect(() => parseRingCentralExtensionPage({ navigation: {} }, RC_LIST)).toThrow('malformed');
    expect(() =>
      parseRingCentralExtensionPage(
        { records: [], navigation: { nextPage: { uri: 'https://x.example/restapi/v1.0/subscription' } } },
        RC_LIST,
      ),
    ).toThrow('leaves the list');
  });
});

describe('page tokens', () => {
  it('are only paths of the list itself', () => {
    expect(requirePageToken('/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?Page=2', TWILIO_LIST)).toBe(
      '/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?Page=2',
    );
    for (const token of [
      'https://evil.example/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json',
      '/2010-04-01/Accounts/AC1/Calls.json',
      'PAPN1',
      '',
    ]) {
      expect(() => requirePageToken(token, TWILIO_LIST)).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
    }
  });

  it('keep the query of a next link and drop its fragment', () => {
    expect(nextPagePath('/v2_beta/Accounts/a/IncomingPhoneNumbers?Page=1#x', EXOTEL_LIST)).toBe(
      '/v2_beta/Accounts/a/IncomingPhoneNumbers?Page=1',
    );
  });
});

describe('allProviderLines', () => {
  const account = { accountKey: 'k', credentials: {} };
  const line = (n: number) => ({ providerLineId: `L${n}`, number: `+1500555${String(n).padStart(4, '0')}`, label: '' });

  function lister(pages: ProviderLinePage[]): LineLister & { tokens: (string | undefined)[] } {
    const tokens: (string | undefined)[] = [];
    return {
      tokens,
      listLines: async (_account, token) => {
        tokens.push(token);
        return pages[tokens.length - 1];
      },
    };
  }

  it('reads every page to the last', async () => {
    const source = lister([
      { lines: [line(1), line(2)], nextPageToken: '/p2' },
      { lines: [line(3)], nextPageToken: '/p3' },
      { lines: [], nextPageToken: null },
    ]);
    const all = [];
    for await (const l of allProviderLines(source, account)) all.push(l.providerLineId);
    expect(all).toEqual(['L1', 'L2', 'L3']);
    expect(source.tokens).toEqual([undefined, '/p2', '/p3']);
  });

  it('stops a provider whose pages loop, or never end', async () => {
    const looping = lister([
      { lines: [line(1)], nextPageToken: '/p2' },
      { lines: [line(2)], nextPageToken: '/p2' },
    ]);
    await expect(drain(allProviderLines(looping, account))).rejects.toThrow('repeats');
    let n = 0;
    const endless: LineLister = { listLines: async () => ({ lines: [], nextPageToken: `/p${++n}` }) };
    await expect(drain(allProviderLines(endless, account, 5))).rejects.toThrow('more than 5 pages');
  });
});

async function drain(lines: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of lines) {
    // read on
  }
}
