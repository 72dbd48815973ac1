import { ErrorCode, type NormalizedTelephonyEvent } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { type ProviderPolicy, UpstreamHttpError } from '@callfleet/resilience';
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
  HangUpRequest,
  PlaceCallRequest,
  PlacedCall,
  RecordingDownload,
  RecordingRequest,
  SendDigitsRequest,
  TelephonyProviderAdapter,
  TransferRequest,
  UpdateInstructionsRequest,
} from '../adapter/telephony-provider-adapter';
import type { WebhookParseContext, WebhookRequest, WebhookSecrets } from '../webhooks/webhook-request';
import { verifyTwilioWebhook } from './twilio-signature';
import { mapTwilioCallStatus, parseTwilioWebhook } from './twilio-webhook.parser';
import { dialTwiml, playDigitsTwiml } from './twiml';

export const TWILIO_API_BASE_URL = 'https://api.twilio.com';
const TWIML_MAX_LENGTH = 4000;
const ALL_STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
/** Twilio allows up to 1000; 100 keeps each answer small while 250 numbers take three pages. */
const NUMBERS_PAGE_SIZE = 100;
const NUMBERS_LIST_PATH = /^\/2010-04-01\/Accounts\/[^/]+\/IncomingPhoneNumbers\.json$/;

interface TwilioCallResource {
  sid?: string;
  status?: string;
}

/** Twilio Programmable Voice over its REST API (2010-04-01): form-encoded requests, basic auth. */
export class TwilioAdapter implements TelephonyProviderAdapter {
  readonly provider = 'twilio' as const;
  readonly capabilities: AdapterCapabilities = {
    sendDigits: true,
    transfer: true,
    hangUp: true,
    deleteRecording: true,
  };
  private readonly http: ProviderHttpClient;

  constructor(private readonly options: AdapterOptions) {
    this.http = new ProviderHttpClient(options.fetch, { provider: 'twilio', urlPolicy: options.urlPolicy });
  }

  async placeCall(account: ProviderAccount, request: PlaceCallRequest): Promise<PlacedCall> {
    if (!request.flowUrl && !request.instructions) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'A Twilio call needs a flowUrl or instructions');
    }
    if (request.instructions && request.instructions.length > TWIML_MAX_LENGTH) {
      throw new AppException(
        ErrorCode.VALIDATION_ERROR,
        `Twilio inline TwiML is limited to ${TWIML_MAX_LENGTH} characters`,
      );
    }
    const form = new URLSearchParams({ To: request.to, From: request.from });
    if (request.flowUrl) {
      form.append('Url', request.flowUrl);
      form.append('Method', 'POST');
    } else if (request.instructions) {
      form.append('Twiml', request.instructions);
    }
    if (request.statusCallbackUrl) {
      form.append('StatusCallback', request.statusCallbackUrl);
      form.append('StatusCallbackMethod', 'POST');
      // Twilio takes one StatusCallbackEvent parameter per event.
      for (const event of request.statusEvents ?? ALL_STATUS_EVENTS) form.append('StatusCallbackEvent', event);
    }
    if (request.machineDetection) {
      form.append('MachineDetection', request.machineDetection);
      if (request.amdCallbackUrl) {
        form.append('AsyncAmd', 'true');
        form.append('AsyncAmdStatusCallback', request.amdCallbackUrl);
        form.append('AsyncAmdStatusCallbackMethod', 'POST');
      }
    }
    if (request.record) {
      form.append('Record', 'true');
      if (request.recordingChannels) form.append('RecordingChannels', request.recordingChannels);
      if (request.recordingStatusCallbackUrl) {
        form.append('RecordingStatusCallback', request.recordingStatusCallbackUrl);
        form.append('RecordingStatusCallbackMethod', 'POST');
      }
    }
    if (request.ringTimeoutSec !== undefined) form.append('Timeout', String(Math.round(request.ringTimeoutSec)));
    if (request.timeLimitSec !== undefined) form.append('TimeLimit', String(Math.round(request.timeLimitSec)));

    const call = await this.http.sendForJson<TwilioCallResource>(this.policy(account), {
      ...this.request(account, 'POST', '/Calls.json', form),
      idempotent: false,
    });
    if (typeof call.sid !== 'string' || call.sid === '') {
      throw new AppException(ErrorCode.EXTERNAL_SERVICE_ERROR, 'Twilio answered a call without sid');
    }
    return { callId: call.sid, status: call.status ? safeStatus(call.status) : 'initiated' };
  }

  async sendDigits(account: ProviderAccount, request: SendDigitsRequest): Promise<void> {
    const twiml = playDigitsTwiml(request.digits, request.resumeUrl);
    await this.updateCall(account, request.callId, new URLSearchParams({ Twiml: twiml }), false);
  }

  async transfer(account: ProviderAccount, request: TransferRequest): Promise<void> {
    const { target } = request;
    if ('extensionNumber' in target) {
      throw new AppException(
        ErrorCode.VALIDATION_ERROR,
        'Twilio dials numbers or SIP URIs: give the main number with sendDigits for an extension',
      );
    }
    const twiml = dialTwiml(target, {
      callerId: request.callerId,
      ringTimeoutSec: request.ringTimeoutSec,
      actionUrl: request.actionUrl,
    });
    await this.updateCall(account, request.callId, new URLSearchParams({ Twiml: twiml }), false);
  }

  async updateInstructions(account: ProviderAccount, request: UpdateInstructionsRequest): Promise<void> {
    if (request.instructions.length > TWIML_MAX_LENGTH) {
      throw new AppException(
        ErrorCode.VALIDATION_ERROR,
        `Twilio inline TwiML is limited to ${TWIML_MAX_LENGTH} characters`,
      );
    }
    await this.updateCall(account, request.callId, new URLSearchParams({ Twiml: request.instructions }), false);
  }

  async hangUp(account: ProviderAccount, request: HangUpRequest): Promise<void> {
    // Ending a call twice ends it once: safe to retry.
    await this.updateCall(account, request.callId, new URLSearchParams({ Status: 'completed' }), true);
  }

  async fetchRecording(account: ProviderAccount, request: RecordingRequest): Promise<RecordingDownload> {
    const { accountSid, authToken } = requireCredentials(account, 'twilio', ['accountSid', 'authToken']);
    const base = apiBaseUrl(account, this.options.baseUrl ?? TWILIO_API_BASE_URL);
    const extension = `.${request.format ?? 'wav'}`;
    // The event's RecordingUrl is used only on Twilio's own origin: the auth token goes nowhere else.
    const mediaUrl =
      request.url && isSameOrigin(request.url, base)
        ? request.url.replace(/\.(wav|mp3|json)$/, '') + extension
        : `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Recordings/${encodeURIComponent(request.recordingId)}${extension}`;
    const response = await this.http.send(this.policy(account), {
      method: 'GET',
      url: mediaUrl,
      headers: { authorization: basicAuthorization(accountSid, authToken) },
      idempotent: true,
    });
    return toRecordingDownload(response, request.format === 'mp3' ? 'audio/mpeg' : 'audio/x-wav');
  }

  /** `DELETE …/Recordings/{sid}.json` (204); a 404 means it is gone already, which is what was asked. */
  async deleteRecording(account: ProviderAccount, request: { recordingId: string }): Promise<void> {
    const { accountSid, authToken } = requireCredentials(account, 'twilio', ['accountSid', 'authToken']);
    const base = apiBaseUrl(account, this.options.baseUrl ?? TWILIO_API_BASE_URL);
    try {
      const response = await this.http.send(this.policy(account), {
        method: 'DELETE',
        url: `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Recordings/${encodeURIComponent(request.recordingId)}.json`,
        headers: { authorization: basicAuthorization(accountSid, authToken), accept: 'application/json' },
        idempotent: true,
      });
      await response.body?.cancel();
    } catch (error) {
      if (error instanceof UpstreamHttpError && error.upstreamStatus === 404) return;
      throw error;
    }
  }

  /** `GET …/IncomingPhoneNumbers.json?PageSize=`, then each `next_page_uri` (relative, with its PageToken). */
  async listLines(account: ProviderAccount, pageToken?: string): Promise<ProviderLinePage> {
    const { accountSid, authToken } = requireCredentials(account, 'twilio', ['accountSid', 'authToken']);
    const base = apiBaseUrl(account, this.options.baseUrl ?? TWILIO_API_BASE_URL);
    const path =
      pageToken === undefined
        ? `/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/IncomingPhoneNumbers.json?PageSize=${NUMBERS_PAGE_SIZE}`
        : requirePageToken(pageToken, NUMBERS_LIST_PATH);
    const page = await this.http.sendForJson<unknown>(this.policy(account), {
      method: 'GET',
      url: `${base}${path}`,
      headers: { authorization: basicAuthorization(accountSid, authToken), accept: 'application/json' },
      idempotent: true,
    });
    return parseIncomingPhoneNumbersPage(page, NUMBERS_LIST_PATH);
  }

  parseWebhook(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[] {
    return parseTwilioWebhook(request, context);
  }

  verifySignature(request: WebhookRequest, secrets: WebhookSecrets): boolean {
    return verifyTwilioWebhook(request, secrets);
  }

  private async updateCall(account: ProviderAccount, callId: string, form: URLSearchParams, idempotent: boolean) {
    await this.http.sendForJson<TwilioCallResource>(this.policy(account), {
      ...this.request(account, 'POST', `/Calls/${encodeURIComponent(callId)}.json`, form),
      idempotent,
    });
  }

  private request(account: ProviderAccount, method: 'POST', path: string, form: URLSearchParams) {
    const { accountSid, authToken } = requireCredentials(account, 'twilio', ['accountSid', 'authToken']);
    const base = apiBaseUrl(account, this.options.baseUrl ?? TWILIO_API_BASE_URL);
    return {
      method,
      url: `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}${path}`,
      headers: {
        authorization: basicAuthorization(accountSid, authToken),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
    };
  }

  private policy(account: ProviderAccount): ProviderPolicy {
    return this.options.policies.get(`twilio:${account.accountKey}`, this.options.policy);
  }
}

function safeStatus(status: string) {
  try {
    return mapTwilioCallStatus(status);
  } catch {
    return 'initiated' as const;
  }
}
