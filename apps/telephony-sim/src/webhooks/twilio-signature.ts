import { createHmac } from 'node:crypto';

/** Form parameters as Twilio sends them: a repeated parameter has several values. */
export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * `X-Twilio-Signature` for a request Twilio sends to `url`: base64(HMAC-SHA1(authToken, url + each
 * parameter, sorted by name, as name + value)). A repeated parameter contributes each of its values,
 * values sorted. For a GET (parameters in the query string) `params` is empty and the URL carries them.
 * Written from Twilio's documentation, independently of our verifier in libs/telephony; a unit test
 * checks it against the official helper library so the two cannot share a bug.
 */
export function twilioSignature(authToken: string, url: string, params: SignedParams = {}): string {
  let data = url;
  for (const name of Object.keys(params).sort(byCodeUnit)) {
    const value = params[name];
    const values = typeof value === 'string' ? [value] : [...value].sort(byCodeUnit);
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Case-sensitive ("Unix-style") ordering, as Twilio sorts parameter names. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The body Twilio posts: standard form encoding of the same parameters that were signed. */
export function formEncode(params: SignedParams): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of typeof value === 'string' ? [value] : value) form.append(name, v);
  }
  return form.toString();
}
