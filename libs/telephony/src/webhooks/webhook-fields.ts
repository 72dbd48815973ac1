import { ErrorCode } from '@callfleet/contracts';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '@callfleet/platform';
import { WebhookPayloadError } from './webhook-payload.error';
import { mediaTypeOf, type WebhookRequest } from './webhook-request';

export type FormFields = Record<string, string | string[]>;

/**
 * Parses an `application/x-www-form-urlencoded` body, keeping repeated names as arrays in the
 * order sent (Twilio signs every value of a repeated parameter). Built with Object.fromEntries, so a
 * field named `__proto__` is an own property, never the prototype.
 */
export function parseFormBody(raw: Buffer | string): FormFields {
  // The signature check and the parser each read the same delivery's form: parse its bytes once.
  const known = typeof raw === 'string' ? undefined : parsedForms.get(raw);
  if (known) return known;
  const fields = Object.freeze(parseForm(raw));
  if (typeof raw !== 'string') parsedForms.set(raw, fields);
  return fields;
}

const parsedForms = new WeakMap<Buffer, FormFields>();

function parseForm(raw: Buffer | string): FormFields {
  const entries = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(typeof raw === 'string' ? raw : raw.toString('utf8'))) {
    const values = entries.get(name);
    if (values) values.push(value);
    else entries.set(name, [value]);
  }
  return Object.fromEntries([...entries].map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
}

/** First value of a form field, or a JSON field that is a string or number. */
export function fieldText(fields: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'number' && Number.isFinite(first)) return String(first);
  return undefined;
}

export function requiredField(fields: Readonly<Record<string, unknown>>, name: string, provider: string): string {
  const value = fieldText(fields, name);
  if (value === undefined || value === '') throw new WebhookPayloadError(`${provider} webhook without ${name}`);
  return value;
}

export function optionalNumber(fields: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const text = fieldText(fields, name);
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function parseJsonObject(raw: Buffer, provider: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WebhookPayloadError(`${provider} webhook body is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WebhookPayloadError(`${provider} webhook body must be a JSON object`);
  }
  return withinJsonDepth(parsed as Record<string, unknown>, provider);
}

/**
 * Webhook bodies are kept raw (their signatures cover the bytes), so the depth limit every other
 * body gets at the edge is applied here, where they are parsed: deeper nesting would overflow the
 * recursive steps that follow (canonical JSON for event ids, serialization) as a 500.
 */
function withinJsonDepth(fields: Record<string, unknown>, provider: string): Record<string, unknown> {
  if (exceedsJsonDepth(fields)) {
    throw new WebhookPayloadError(`${provider} webhook body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return fields;
}

/** The body's fields, from JSON or a form, by content type. */
export function readWebhookFields(
  request: WebhookRequest,
  provider: string,
  accepted: readonly ('json' | 'form')[] = ['json', 'form'],
): Record<string, unknown> {
  const mediaType = mediaTypeOf(request);
  const empty = request.rawBody.length === 0;
  if (empty && request.body && typeof request.body === 'object' && !Array.isArray(request.body)) {
    return withinJsonDepth(request.body as Record<string, unknown>, provider);
  }
  if (accepted.includes('json') && (mediaType === 'application/json' || mediaType.endsWith('+json'))) {
    return parseJsonObject(request.rawBody, provider);
  }
  if (accepted.includes('form') && mediaType === 'application/x-www-form-urlencoded') {
    return parseFormBody(request.rawBody);
  }
  throw new WebhookPayloadError(
    `${provider} webhooks must be ${accepted.map((a) => (a === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')).join(' or ')}`,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  );
}
