import { MAX_JSON_DEPTH } from '@callfleet/platform';
import { parseFormBody, readWebhookFields } from './webhook-fields';
import { WebhookPayloadError } from './webhook-payload.error';

describe('parseFormBody', () => {
  it('keeps repeated names as arrays in the order sent', () => {
    expect(parseFormBody('a=1&b=2&a=3')).toEqual({ a: ['1', '3'], b: '2' });
  });

  it('decodes + as space and percent escapes', () => {
    expect(parseFormBody(Buffer.from('Caller=%2B15017122661&Name=Ada+Lovelace'))).toEqual({
      Caller: '+15017122661',
      Name: 'Ada Lovelace',
    });
  });

  it('keeps __proto__ as an own field', () => {
    const fields = parseFormBody('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('readWebhookFields', () => {
  const jsonRequest = (body: string) => ({
    method: 'POST',
    url: 'https://hooks.example/webhooks/generic/acme',
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from(body),
  });
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  it('reads a JSON object nested up to the fleet limit', () => {
    expect(readWebhookFields(jsonRequest(nested(MAX_JSON_DEPTH)), 'Standard Webhooks')).toHaveProperty('a');
  });

  it('refuses, as a 400, a body nested deeper than every other body may be', () => {
    for (const levels of [MAX_JSON_DEPTH + 1, 5000]) {
      const read = () => readWebhookFields(jsonRequest(nested(levels)), 'Standard Webhooks');
      expect(read).toThrow(WebhookPayloadError);
      expect(read).toThrow(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    const deepArrays = `{"data":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(() => readWebhookFields(jsonRequest(deepArrays), 'Jambonz', ['json'])).toThrow(WebhookPayloadError);
  });
});
