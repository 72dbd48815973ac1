import { exotelError, ringCentralError, twilioError } from '../provider-api/provider-api-error';
import { pageWindow, type SimNumber } from './sim-numbers';

type Query = Record<string, unknown>;

/** A whole number in [min, max] from a query parameter, its default when absent, or undefined when malformed. */
function intParam(query: Query, name: string, fallback: number, min: number, max: number): number | undefined {
  const raw = query[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,7}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

/**
 * Twilio's `IncomingPhoneNumbers.json` list: `PageSize` (default 50, at most 1000), `Page`, and the
 * `PageToken` (`PA` + the previous page's last sid) its relative `next_page_uri` carries, so a number
 * removed between two pages shifts nothing.
 */
export function twilioNumbersPage(accountSid: string, numbers: SimNumber[], query: Query): Record<string, unknown> {
  const size = intParam(query, 'PageSize', 50, 1, 1000);
  const page = intParam(query, 'Page', 0, 0, 1_000_000);
  if (size === undefined || page === undefined) throw twilioError(400, 20001, 'Invalid PageSize or Page');
  const path = `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json`;
  let start = page * size;
  const token = query.PageToken;
  if (token !== undefined) {
    const after = typeof token === 'string' && token.startsWith('PA') ? token.slice(2) : '';
    const index = numbers.findIndex((n) => n.sid === after);
    // An unknown token (its number since removed) falls back to the page's offset.
    if (index >= 0) start = index + 1;
  }
  const items = numbers.slice(start, start + size);
  const hasNext = start + size < numbers.length;
  const pageUri = (p: number, extra = '') => `${path}?PageSize=${size}&Page=${p}${extra}`;
  return {
    incoming_phone_numbers: items.map((n) => ({
      sid: n.sid,
      account_sid: accountSid,
      phone_number: n.number,
      friendly_name: n.label,
      capabilities: { voice: true, sms: true, mms: false, fax: false },
      status: 'in-use',
      origin: 'twilio',
      uri: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
    })),
    page,
    page_size: size,
    start,
    end: start + items.length - 1,
    uri: pageUri(page),
    first_page_uri: pageUri(0),
    next_page_uri: hasNext ? pageUri(page + 1, `&PageToken=PA${items[items.length - 1].sid}`) : null,
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
  };
}

/**
 * Exotel's v2_beta ExoPhone list (JSON only): `Page` (from 0) and `PageSize`, with absolute page URIs
 * as its documentation shows them (`http://…/v2_beta/Accounts/{sid}/IncomingPhoneNumbers?Page=1&PageSize=50`).
 */
export function exotelNumbersPage(
  accountSid: string,
  numbers: SimNumber[],
  query: Query,
  baseUrl: string,
): Record<string, unknown> {
  const size = intParam(query, 'PageSize', 50, 1, 1000);
  const page = intParam(query, 'Page', 0, 0, 1_000_000);
  if (size === undefined || page === undefined) throw exotelError(400, 'Invalid Page or PageSize');
  const { start, end, hasNext } = pageWindow(numbers.length, page, size);
  const pageUri = (p: number) =>
    `${baseUrl}/v2_beta/Accounts/${accountSid}/IncomingPhoneNumbers?Page=${p}&PageSize=${size}`;
  return {
    page,
    page_size: size,
    uri: pageUri(page),
    first_page_uri: pageUri(0),
    next_page_uri: hasNext ? pageUri(page + 1) : null,
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    incoming_phone_numbers: numbers.slice(start, end).map((n) => ({
      sid: n.sid,
      account_sid: accountSid,
      friendly_name: n.label,
      phone_number: n.number,
      voice_url: null,
      sms_url: null,
      capabilities: { voice: true, sms: false },
      number_type: 'Landline',
      region: 'KA',
      country: 'IN',
      uri: `/v2_beta/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}`,
    })),
  };
}

/**
 * RingCentral's extension list: `page` (from 1) and `perPage` (default 100, at most 1000), with
 * `paging` and absolute `navigation` URIs naming the account by id. The user extensions come first;
 * one call queue (a Department extension, which cannot call out) closes the list, as real accounts mix them.
 */
export function ringCentralExtensionsPage(
  accountId: string,
  extensions: SimNumber[],
  query: Query,
  baseUrl: string,
): Record<string, unknown> {
  const perPage = intParam(query, 'perPage', 100, 1, 1000);
  const page = intParam(query, 'page', 1, 1, 1_000_000);
  if (perPage === undefined || page === undefined) {
    throw ringCentralError(400, 'CMN-101', 'Parameter [page] or [perPage] is invalid');
  }
  const records: Record<string, unknown>[] = extensions.map((e) => ({
    id: Number(e.sid),
    extensionNumber: e.number,
    name: e.label,
    type: 'User',
    status: 'Enabled',
  }));
  if (records.length > 0) {
    records.push({
      id: 199_999_999,
      extensionNumber: '0999',
      name: 'Support queue',
      type: 'Department',
      status: 'Enabled',
    });
  }
  const totalPages = Math.max(1, Math.ceil(records.length / perPage));
  const { start, end, hasNext } = pageWindow(records.length, page - 1, perPage);
  const listUri = `${baseUrl}/restapi/v1.0/account/${accountId}/extension`;
  const pageUri = (p: number) => ({ uri: `${listUri}?page=${p}&perPage=${perPage}` });
  return {
    uri: pageUri(page).uri,
    records: records.slice(start, end).map((r) => ({ uri: `${listUri}/${String(r.id)}`, ...r })),
    paging: {
      page,
      totalPages,
      perPage,
      totalElements: records.length,
      ...(end > start ? { pageStart: start, pageEnd: end - 1 } : {}),
    },
    navigation: {
      firstPage: pageUri(1),
      ...(hasNext ? { nextPage: pageUri(page + 1) } : {}),
      ...(page > 1 ? { previousPage: pageUri(page - 1) } : {}),
      lastPage: pageUri(totalPages),
    },
  };
}
