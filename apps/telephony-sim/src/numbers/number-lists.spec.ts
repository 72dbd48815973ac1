import { ProviderApiError } from '../provider-api/provider-api-error';
import { exotelNumbersPage, ringCentralExtensionsPage, twilioNumbersPage } from './number-lists';
import { simNumbers } from './sim-numbers';

describe('number lists in the providers’ paging', () => {
  const twilio = simNumbers('twilio', 'AC1', 5);

  it('Twilio: a PageToken continues after its sid, so a number removed between pages shifts nothing', () => {
    const first = twilioNumbersPage('AC1', twilio, { PageSize: '2' });
    expect(first.next_page_uri).toBe(
      `/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PageSize=2&Page=1&PageToken=PA${twilio[1].sid}`,
    );
    const withoutFirst = twilio.slice(1);
    const second = twilioNumbersPage('AC1', withoutFirst, {
      PageSize: '2',
      Page: '1',
      PageToken: `PA${twilio[1].sid}`,
    });
    expect((second.incoming_phone_numbers as { sid: string }[]).map((n) => n.sid)).toEqual([
      twilio[2].sid,
      twilio[3].sid,
    ]);
    const last = twilioNumbersPage('AC1', twilio, { PageSize: '2', Page: '2', PageToken: `PA${twilio[3].sid}` });
    expect(last.next_page_uri).toBeNull();
  });

  it('refuses page sizes and pages the providers refuse, in their own error shapes', () => {
    for (const query of [{ PageSize: '0' }, { PageSize: '1001' }, { Page: '-1' }, { PageSize: ['1', '2'] }]) {
      expect(() => twilioNumbersPage('AC1', twilio, query)).toThrow(ProviderApiError);
      expect(() => exotelNumbersPage('e', twilio, query, 'http://sim')).toThrow(ProviderApiError);
    }
    expect(() => ringCentralExtensionsPage('1', twilio, { page: '0' }, 'http://sim')).toThrow(ProviderApiError);
  });

  it('RingCentral: an account without users lists no call queue either, on one page', () => {
    const page = ringCentralExtensionsPage('400000001', [], {}, 'http://sim');
    expect(page.records).toEqual([]);
    expect(page.paging).toMatchObject({ page: 1, totalPages: 1, totalElements: 0 });
    expect(page.navigation).not.toHaveProperty('nextPage');
  });
});
