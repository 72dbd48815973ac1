import { ErrorCode, type NormalizedTelephonyEvent } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import type { ProviderPolicy } from '@callfleet/resilience';
import type { AdapterOptions } from '../adapter/adapter-options';
import {
  apiBaseUrl,
  basicAuthorization,
  isSameOrigin,
  type ProviderAccount,
  requireCredentials,
} from '../adapter/provider-account';
import { ProviderHttpClient } from '../adapter/provider-http.client';
import { type ProviderLinePage, parseIncomingPhoneNumbersPage, requirePageToken } from '../adapter/provider-lines';
import { toRecordingDownload } from '../adapter/recording-download';
import type {
  AdapterCapabilities,
  PlaceCallRequest,
  PlacedCall,
  RecordingDownload,
  RecordingRequest,
  TelephonyProviderAdapter,
} from '../adapter/telephony-provider-adapter';
import { UnsupportedOperationError } from '../adapter/unsupported-operation.error';
import type { WebhookParseContext, WebhookRequest, WebhookSecrets } from '../webhooks/webhook-request';
import { verifyExotelRequest } from './exotel-guard';
import { parseExotelWebhook } from './exotel-webhook.parser';

/** Singapore cluster; Mumbai accounts use https://api.in.exotel.com (set per account). */
export const EXOTEL_API_BASE_URL = 'https://api.exotel.com';

const NUMBERS_PAGE_SIZE = 100;
const NUMBERS_LIST_PATH = /^\/v2_beta\/Accounts\/[^/]+\/IncomingPhoneNumbers(\.json)?$/;

interface ExotelConnectAnswer {
  Call?: { Sid?: string; Status?: string };
}

/**
 * Exotel's v1 Calls API: connect a number to a call flow (ExoML `Url`). Its v1 API has no mid-call
 * control, so digits, transfers and hang-ups belong in the flow itself (see `capabilities`).
 */
export class ExotelAdapter implements TelephonyProviderAdapter {
  readonly provider = 'exotel' as const;
  readonly capabilities: AdapterCapabilities = {
    sendDigits: false,
    transfer: false,
    hangUp: false,
    deleteRecording: false,
  };
  private readonly http: ProviderHttpClient;

  constructor(private readonly options: AdapterOptions) {
    this.http = new ProviderHttpClient(options.fetch, { provider: 'exotel', urlPolicy: options.urlPolicy });
  }

  /** Exotel dials `From` first and runs the flow on it: our `to` is its From, our `from` its CallerId. */
  async placeCall(account: ProviderAccount, request: PlaceCallRequest): Promise<PlacedCall> {
    const { accountSid, apiKey, apiToken } = requireCredentials(account, 'exotel', [
      'accountSid',
      'apiKey',
      'apiToken',
    ]);
    if (!request.flowUrl) throw new AppException(ErrorCode.VALIDATION_ERROR, 'An Exotel call needs a flowUrl');
    const form = new URLSearchParams({ From: request.to, CallerId: request.from, Url: request.flowUrl });
    if (request.statusCallbackUrl) {
      form.append('StatusCallback', request.statusCallbackUrl);
      form.append('StatusCallbackEvents[0]', 'terminal');
      form.append('StatusCallbackEvents[1]', 'answered');
      form.append('StatusCallbackContentType', 'application/json');
    }
    if (request.record) {
      form.append('Record', 'true');
      if (request.recordingChannels)
        form.append('RecordingChannels', request.recordingChannels === 'dual' ? 'dual' : 'single');
    }
    if (request.ringTimeoutSec !== undefined) form.append('TimeOut', String(Math.round(request.ringTimeoutSec)));
    if (request.timeLimitSec !== undefined) form.append('TimeLimit', String(Math.round(request.timeLimitSec)));

    const base = apiBaseUrl(account, this.options.baseUrl ?? EXOTEL_API_BASE_URL);
    const answer = await this.http.sendForJson<ExotelConnectAnswer>(this.policy(account), {
      method: 'POST',
      url: `${base}/v1/Accounts/${encodeURIComponent(accountSid)}/Calls/connect.json`,
      headers: {
        authorization: basicAuthorization(apiKey, apiToken),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      idempotent: false,
    });
    const sid = answer.Call?.Sid;
    if (typeof sid !== 'string' || sid === '') {
      throw new AppException(ErrorCode.EXTERNAL_SERVICE_ERROR, 'Exotel answered a call without Sid');
    }
    return { callId: sid, status: 'initiated' };
  }

  async sendDigits(): Promise<void> {
    throw new UnsupportedOperationError('exotel', 'sending digits', 'put them in the call flow');
  }

  async transfer(): Promise<void> {
    throw new UnsupportedOperationError('exotel', 'transfers', 'use a Connect applet in the call flow');
  }

  async updateInstructions(): Promise<void> {
    throw new UnsupportedOperationError('exotel', 'updating a live call', 'put the steps in the call flow');
  }

  async hangUp(): Promise<void> {
    throw new UnsupportedOperationError('exotel', 'hanging up', 'end the call flow');
  }

  /** Exotel's RecordingUrl is a storage URL of its own; credentials go only to the API origin. */
  async fetchRecording(account: ProviderAccount, request: RecordingRequest): Promise<RecordingDownload> {
    if (!request.url) throw new AppException(ErrorCode.VALIDATION_ERROR, 'An Exotel recording is fetched by its URL');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'Invalid Exotel recording URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'Exotel recording URL must be http(s)');
    }
    const base = apiBaseUrl(account, this.options.baseUrl ?? EXOTEL_API_BASE_URL);
    const headers: Record<string, string> = {};
    if (isSameOrigin(request.url, base)) {
      const { apiKey, apiToken } = requireCredentials(account, 'exotel', ['apiKey', 'apiToken']);
      headers.authorization = basicAuthorization(apiKey, apiToken);
    }
    const response = await this.http.send(this.policy(account), {
      method: 'GET',
      url: request.url,
      headers,
      idempotent: true,
    });
    return toRecordingDownload(response, request.url.endsWith('.wav') ? 'audio/x-wav' : 'audio/mpeg');
  }

  async deleteRecording(): Promise<void> {
    throw new UnsupportedOperationError(
      'exotel',
      'deleting recordings',
      "its API has no recording delete; remove it in Exotel's dashboard",
    );
  }

  /**
   * The account's ExoPhones: `GET /v2_beta/Accounts/{sid}/IncomingPhoneNumbers` (JSON only), paged
   * like Twilio's (`Page`, `PageSize`, an absolute `next_page_uri` whose path is followed on our base).
   */
  async listLines(account: ProviderAccount, pageToken?: string): Promise<ProviderLinePage> {
    const { accountSid, apiKey, apiToken } = requireCredentials(account, 'exotel', [
      'accountSid',
      'apiKey',
      'apiToken',
    ]);
    const base = apiBaseUrl(account, this.options.baseUrl ?? EXOTEL_API_BASE_URL);
    const path =
      pageToken === undefined
        ? `/v2_beta/Accounts/${encodeURIComponent(accountSid)}/IncomingPhoneNumbers?Page=0&PageSize=${NUMBERS_PAGE_SIZE}`
        : requirePageToken(pageToken, NUMBERS_LIST_PATH);
    const page = await this.http.sendForJson<unknown>(this.policy(account), {
      method: 'GET',
      url: `${base}${path}`,
      headers: { authorization: basicAuthorization(apiKey, apiToken), accept: 'application/json' },
      idempotent: true,
    });
    return parseIncomingPhoneNumbersPage(page, NUMBERS_LIST_PATH);
  }

  parseWebhook(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[] {
    return parseExotelWebhook(request, context);
  }

  verifySignature(request: WebhookRequest, secrets: WebhookSecrets): boolean {
    return verifyExotelRequest(request, secrets);
  }

  private policy(account: ProviderAccount): ProviderPolicy {
    return this.options.policies.get(`exotel:${account.accountKey}`, this.options.policy);
  }
}
