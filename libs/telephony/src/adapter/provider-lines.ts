import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import type { ProviderAccount } from './provider-account';

/** A number or extension of a provider account that calls can go out from. */
export interface ProviderLine {
  /** The provider's own id (Twilio `PN…` sid, ExoPhone sid, RingCentral extension id). */
  providerLineId: string;
  /** E.164 number (Twilio, Exotel) or extension number (RingCentral). */
  number: string;
  /** The provider's friendly name; may be empty. */
  label: string;
}

/** One page of an account's lines and the token of the next (null on the last). */
export interface ProviderLinePage {
  lines: ProviderLine[];
  nextPageToken: string | null;
}

/** What an adapter that lists lines offers. */
export interface LineLister {
  listLines(account: ProviderAccount, pageToken?: string): Promise<ProviderLinePage>;
}

/** More pages than any real account has (100 000 lines at 100 a page): a provider looping its pages is stopped here. */
export const MAX_LINE_PAGES = 1000;
const MAX_LABEL_LENGTH = 200;
const MAX_ID_LENGTH = 128;
/** E.164 or a provider's short form; extensions are shorter. */
const NUMBER = /^\+?[0-9]{2,20}$/;

/**
 * Every line of the account, page after page to the last one. A page token seen twice or more
 * pages than MAX_LINE_PAGES is the provider's fault: EXTERNAL_SERVICE_ERROR, so a sync never takes
 * a partial list for the whole (which would mark the rest removed).
 */
export async function* allProviderLines(
  lister: LineLister,
  account: ProviderAccount,
  maxPages = MAX_LINE_PAGES,
): AsyncGenerator<ProviderLine> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw malformed(`more than ${maxPages} pages of lines`);
    const answer = await lister.listLines(account, token);
    yield* answer.lines;
    if (answer.nextPageToken === null) return;
    if (seen.has(answer.nextPageToken)) throw malformed('a page of lines repeats');
    seen.add(answer.nextPageToken);
    token = answer.nextPageToken;
  }
}

/**
 * The path and query of a provider's next-page link (relative, as Twilio's, or absolute, as
 * RingCentral's and Exotel's), to be requested on the account's own base URL: the link's host is
 * never used, so credentials go nowhere a provider answer names. The path must be the list's own
 * (`listPath`, which allows the account's id where we wrote `~`).
 */
export function nextPagePath(link: unknown, listPath: RegExp): string | null {
  if (link === null || link === undefined || link === '') return null;
  if (typeof link !== 'string') throw malformed('next page link is not a string');
  let url: URL;
  try {
    url = new URL(link, 'http://provider.invalid');
  } catch {
    throw malformed('next page link is not a URL');
  }
  if (!listPath.test(url.pathname)) throw malformed('next page link leaves the list');
  return `${url.pathname}${url.search}`;
}

/** A page token given to listLines: one this adapter handed out (the list's own path), or VALIDATION_ERROR. */
export function requirePageToken(token: string, listPath: RegExp): string {
  let path: string | null = null;
  try {
    path = token.startsWith('/') ? nextPagePath(token, listPath) : null;
  } catch {
    path = null;
  }
  if (path === null) throw new AppException(ErrorCode.VALIDATION_ERROR, 'page token is not one this adapter gave out');
  return path;
}

/** One line from a provider record, or the reason it is malformed. */
export function providerLine(id: unknown, number: unknown, label: unknown): ProviderLine {
  const providerLineId = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  if (typeof providerLineId !== 'string' || providerLineId === '' || providerLineId.length > MAX_ID_LENGTH) {
    throw malformed('a line without an id');
  }
  if (typeof number !== 'string' || !NUMBER.test(number)) {
    throw malformed(`line ${providerLineId} has no usable number`);
  }
  return {
    providerLineId,
    number,
    label: typeof label === 'string' ? label.slice(0, MAX_LABEL_LENGTH) : '',
  };
}

export function malformed(reason: string): AppException {
  return new AppException(ErrorCode.EXTERNAL_SERVICE_ERROR, `Provider answered a malformed list of lines: ${reason}`);
}

/** Twilio's and Exotel's shape (Exotel's v2_beta copies Twilio's): `incoming_phone_numbers` and `next_page_uri`. */
export function parseIncomingPhoneNumbersPage(body: unknown, listPath: RegExp): ProviderLinePage {
  const page = body as { incoming_phone_numbers?: unknown; next_page_uri?: unknown } | null;
  if (typeof page !== 'object' || page === null || !Array.isArray(page.incoming_phone_numbers)) {
    throw malformed('no incoming_phone_numbers');
  }
  const lines = page.incoming_phone_numbers.map((item: unknown) => {
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    return providerLine(record.sid, record.phone_number, record.friendly_name);
  });
  return { lines, nextPageToken: nextPagePath(page.next_page_uri, listPath) };
}

/** RingCentral's extension list: `records` and `navigation.nextPage.uri`; only enabled users' extensions place calls. */
export function parseRingCentralExtensionPage(body: unknown, listPath: RegExp): ProviderLinePage {
  const page = body as { records?: unknown; navigation?: { nextPage?: { uri?: unknown } } } | null;
  if (typeof page !== 'object' || page === null || !Array.isArray(page.records)) throw malformed('no records');
  const lines: ProviderLine[] = [];
  for (const item of page.records as unknown[]) {
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    // Call queues, IVR menus, parked and disabled extensions are listed too; they cannot call out.
    if (record.type !== undefined && record.type !== 'User') continue;
    if (record.status !== undefined && record.status !== 'Enabled') continue;
    lines.push(providerLine(record.id, record.extensionNumber, record.name));
  }
  return { lines, nextPageToken: nextPagePath(page.navigation?.nextPage?.uri, listPath) };
}
