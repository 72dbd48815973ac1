import { ErrorCode, type TelephonyProvider } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { type ProviderPolicy, parseRetryAfter, UpstreamHttpError } from '@callfleet/resilience';
import { assertOutboundUrlAllowed, type OutboundUrlPolicy, outboundUrlPolicyFor } from './outbound-url-policy';

export interface ProviderHttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** A string, so every retry sends the same bytes. */
  body?: string;
  /** See ExecuteOptions.idempotent: placing a call is not, hanging up and GETs are. */
  idempotent: boolean;
}

const ERROR_EXCERPT_BYTES = 4096;
/** Storage handoffs take one hop (Twilio: API to signed media URL); a few more is plenty. */
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface OutboundTarget {
  /** Whose official hosts the requests may go to; unset: any call-control provider's (a shared client). */
  provider?: TelephonyProvider;
  /** Default: chosen from NODE_ENV (production unless development or test). */
  urlPolicy?: OutboundUrlPolicy;
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ERROR_EXCERPT_BYTES).toString('utf8');
}

/**
 * The provider's own error message, from Twilio (`{code, message}`), RingCentral (`{errorCode,
 * message}` or `{errors: [...]}`) or Exotel (`{RestException: {Message}}`); a short excerpt otherwise.
 */
export function providerErrorMessage(excerpt: string): string | undefined {
  let message: string | undefined;
  try {
    const body = JSON.parse(excerpt) as Record<string, unknown>;
    const errors = Array.isArray(body.errors) ? (body.errors[0] as Record<string, unknown>) : undefined;
    const rest = body.RestException as Record<string, unknown> | undefined;
    const code = body.code ?? body.errorCode ?? errors?.errorCode;
    const text = body.message ?? errors?.message ?? rest?.Message ?? body.Message;
    if (typeof text === 'string') message = code !== undefined ? `${String(code)}: ${text}` : text;
  } catch {
    message = excerpt.replace(/\s+/g, ' ').trim() || undefined;
  }
  return message?.slice(0, 300);
}

/**
 * Sends provider requests through a policy; a non-2xx answer becomes UpstreamHttpError (with
 * Retry-After). Every URL, and every redirect hop of a GET, must pass the outbound URL policy first.
 */
export class ProviderHttpClient {
  private readonly provider?: TelephonyProvider;
  private readonly urlPolicy: OutboundUrlPolicy;

  constructor(
    private readonly fetchImpl: typeof fetch = fetch,
    target: OutboundTarget = {},
  ) {
    this.provider = target.provider;
    this.urlPolicy = target.urlPolicy ?? outboundUrlPolicyFor(process.env.NODE_ENV);
  }

  /** The response once headers arrived; the caller reads (or streams) the body. */
  send(policy: ProviderPolicy, request: ProviderHttpRequest): Promise<Response> {
    return policy.execute((signal) => this.attempt(request, signal), { idempotent: request.idempotent });
  }

  /** The JSON body; read inside the policy, so a body cut short counts as a failed attempt. */
  sendForJson<T>(policy: ProviderPolicy, request: ProviderHttpRequest): Promise<T> {
    return policy.execute(
      async (signal) => {
        const response = await this.attempt(request, signal);
        const text = await response.text();
        if (text === '') return {} as T;
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new AppException(ErrorCode.EXTERNAL_SERVICE_ERROR, 'Provider answered malformed JSON', {
            upstreamStatus: response.status,
          });
        }
      },
      { idempotent: request.idempotent },
    );
  }

  private async attempt(request: ProviderHttpRequest, signal: AbortSignal): Promise<Response> {
    const response = await this.followRedirects(request, signal);
    if (response.ok) return response;
    const excerpt = await readExcerpt(response).catch(() => '');
    throw new UpstreamHttpError(
      response.status,
      parseRetryAfter(response.headers.get('retry-after')),
      providerErrorMessage(excerpt),
    );
  }

  /**
   * fetch would follow a redirect to anywhere, so hops are followed here (GETs only: downloads),
   * each checked like the first; the credentials stay behind when the origin changes.
   */
  private async followRedirects(request: ProviderHttpRequest, signal: AbortSignal): Promise<Response> {
    let url = request.url;
    let headers = request.headers;
    for (let hop = 0; ; hop++) {
      await assertOutboundUrlAllowed(url, this.provider, this.urlPolicy, hop === 0 ? 'request' : 'redirect');
      const response = await this.fetchImpl(url, {
        method: request.method,
        headers,
        body: request.body,
        signal,
        redirect: 'manual',
      });
      const location = response.headers.get('location');
      if (request.method !== 'GET' || !REDIRECT_STATUSES.has(response.status) || !location) return response;
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) {
        throw new AppException(
          ErrorCode.EXTERNAL_SERVICE_ERROR,
          `Provider redirected more than ${MAX_REDIRECTS} times`,
        );
      }
      const next = new URL(location, url);
      if (next.origin !== new URL(url).origin) headers = withoutAuthorization(headers);
      url = next.toString();
    }
  }
}

function withoutAuthorization(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}
