import type { CallFlowRequestDto, CallFlowResponseDto } from '@callfleet/contracts';
import { type FormFields, parseFormBody } from '../webhooks/webhook-fields';
import { WebhookPayloadError } from '../webhooks/webhook-payload.error';
import { mediaTypeOf, type WebhookRequest } from '../webhooks/webhook-request';
import { assertTwilioFields } from './twilio-fields';
import { fallbackTwiml, TWIML_CONTENT_TYPE } from './twiml';

function first(fields: FormFields, name: string): string | undefined {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Twilio's voice `Url` request (also redirects and `<Dial action>`) as a `calls.v1.flow` request.
 * Verify its signature first, like any Twilio webhook.
 */
export function twilioCallFlowRequest(request: WebhookRequest, accountKey: string): CallFlowRequestDto {
  if (mediaTypeOf(request) !== 'application/x-www-form-urlencoded') {
    throw new WebhookPayloadError('Twilio call-flow requests are form-encoded', 'UNSUPPORTED_MEDIA_TYPE');
  }
  const fields = parseFormBody(request.rawBody);
  // Held to the same forms as Twilio's callbacks: the orchestrator gets Twilio's fields or nothing.
  assertTwilioFields(fields);
  const callId = first(fields, 'CallSid');
  if (!callId) throw new WebhookPayloadError('Twilio call-flow request without CallSid');
  const { CallSid: _callSid, From: _from, To: _to, ...params } = fields;
  return {
    provider: 'twilio',
    accountKey,
    callId,
    from: first(fields, 'From') ?? '',
    to: first(fields, 'To') ?? '',
    params,
    query: urlQuery(request.url),
  };
}

/** The first value of each query parameter of the URL the provider called (at most 20, each ≤ 200 chars). */
function urlQuery(url: string): Record<string, string> {
  const query: Record<string, string> = {};
  let search: URLSearchParams;
  try {
    search = new URL(url, 'http://localhost').searchParams;
  } catch {
    return query;
  }
  for (const [name, value] of search) {
    if (Object.keys(query).length >= 20) break;
    if (!Object.hasOwn(query, name) && name.length <= 100 && value.length <= 200) query[name] = value;
  }
  return query;
}

/** A short pause and a hang-up: never leaves a caller in dead air when the orchestrator is away. */
export function twilioFallbackFlow(pauseSec = 1): CallFlowResponseDto {
  return { contentType: TWIML_CONTENT_TYPE, body: fallbackTwiml(pauseSec) };
}
