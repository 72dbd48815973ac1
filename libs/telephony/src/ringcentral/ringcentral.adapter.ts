import { ErrorCode, type NormalizedTelephonyEvent } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { type ProviderPolicy, UpstreamHttpError } from '@callfleet/resilience';
import type { AdapterOptions } from '../adapter/adapter-options';
import { apiBaseUrl, isSameOrigin, type ProviderAccount, requireCredentials } from '../adapter/provider-account';
import { ProviderHttpClient } from '../adapter/provider-http.client';
import { type ProviderLinePage, parseRingCentralExtensionPage, requirePageToken } from '../adapter/provider-lines';
import { toRecordingDownload } from '../adapter/recording-download';
import type {
  AdapterCapabilities,
  HangUpRequest,
  PlaceCallRequest,
  PlacedCall,
  RecordingDownload,
  RecordingRequest,
  TelephonyProviderAdapter,
  TransferRequest,
} from '../adapter/telephony-provider-adapter';
import { UnsupportedOperationError } from '../adapter/unsupported-operation.error';
import type { WebhookParseContext, WebhookRequest, WebhookSecrets } from '../webhooks/webhook-request';
import { verifyRingCentralToken } from './ringcentral-token';
import { mapRingCentralPartyStatus, parseRingCentralWebhook } from './ringcentral-webhook.parser';

export const RINGCENTRAL_API_BASE_URL = 'https://platform.ringcentral.com';
/** Recording content is served from the media host; the bearer token may go there too. */
export const RINGCENTRAL_MEDIA_BASE_URL = 'https://media.ringcentral.com';

const EXTENSIONS_PAGE_SIZE = 100;
/** Its navigation links name the account by id where we wrote `~`. */
const EXTENSIONS_LIST_PATH = /^\/restapi\/v1\.0\/account\/[^/]+\/extension$/;

interface CallOutAnswer {
  session?: { id?: string; parties?: { id?: string; status?: { code?: string; reason?: string } }[] };
}

export interface RingCentralAdapterOptions extends AdapterOptions {
  mediaBaseUrl?: string;
}

/**
 * RingCentral Call Control (REST, JSON, bearer token). Sessions are addressed by telephonySessionId
 * and parties by id; call-out is in the "Heavy" rate-limit group (10 a minute), so its 429s carry a
 * Retry-After the policy honours or hands back.
 */
export class RingCentralAdapter implements TelephonyProviderAdapter {
  readonly provider = 'ringcentral' as const;
  readonly capabilities: AdapterCapabilities = {
    sendDigits: false,
    transfer: true,
    hangUp: true,
    deleteRecording: false,
  };
  private readonly http: ProviderHttpClient;

  constructor(private readonly options: RingCentralAdapterOptions) {
    this.http = new ProviderHttpClient(options.fetch, { provider: 'ringcentral', urlPolicy: options.urlPolicy });
  }

  async placeCall(account: ProviderAccount, request: PlaceCallRequest): Promise<PlacedCall> {
    const answer = await this.http.sendForJson<CallOutAnswer>(this.policy(account), {
      ...this.jsonRequest(account, 'POST', '/restapi/v1.0/account/~/telephony/call-out', {
        from: { deviceId: request.from },
        to: { phoneNumber: request.to },
      }),
      idempotent: false,
    });
    const session = answer.session;
    if (typeof session?.id !== 'string' || session.id === '') {
      throw new AppException(ErrorCode.EXTERNAL_SERVICE_ERROR, 'RingCentral answered a call-out without session id');
    }
    const party = session.parties?.[0];
    let status: PlacedCall['status'] = 'initiated';
    if (party?.status?.code) {
      try {
        status = mapRingCentralPartyStatus(party.status.code, party.status.reason);
      } catch {
        status = 'initiated';
      }
    }
    return { callId: session.id, partyId: typeof party?.id === 'string' ? party.id : undefined, status };
  }

  async sendDigits(): Promise<void> {
    throw new UnsupportedOperationError('ringcentral', 'sending digits', 'Call Control has no DTMF endpoint');
  }

  async transfer(account: ProviderAccount, request: TransferRequest): Promise<void> {
    if (!request.partyId) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'A RingCentral transfer needs the partyId of the call');
    }
    const { target } = request;
    let body: Record<string, string>;
    if ('extensionNumber' in target) body = { extensionNumber: target.extensionNumber };
    else if ('phoneNumber' in target) body = { phoneNumber: target.phoneNumber };
    else
      throw new AppException(
        ErrorCode.VALIDATION_ERROR,
        'RingCentral transfers to numbers and extensions, not SIP URIs',
      );
    const path = `/restapi/v1.0/account/~/telephony/sessions/${encodeURIComponent(request.callId)}/parties/${encodeURIComponent(request.partyId)}/transfer`;
    await this.http.sendForJson(this.policy(account), {
      ...this.jsonRequest(account, 'POST', path, body),
      idempotent: false,
    });
  }

  async updateInstructions(): Promise<void> {
    throw new UnsupportedOperationError('ringcentral', 'updating a live call', 'Call Control has no instructions');
  }

  async hangUp(account: ProviderAccount, request: HangUpRequest): Promise<void> {
    const path = `/restapi/v1.0/account/~/telephony/sessions/${encodeURIComponent(request.callId)}`;
    try {
      await this.http.sendForJson(this.policy(account), {
        ...this.jsonRequest(account, 'DELETE', path),
        idempotent: true,
      });
    } catch (error) {
      // The session is gone already: the call is over, which is what hanging up asked for.
      if (error instanceof UpstreamHttpError && error.upstreamStatus === 404) return;
      throw error;
    }
  }

  async fetchRecording(account: ProviderAccount, request: RecordingRequest): Promise<RecordingDownload> {
    const { accessToken } = requireCredentials(account, 'ringcentral', ['accessToken']);
    const base = apiBaseUrl(account, this.options.baseUrl ?? RINGCENTRAL_API_BASE_URL);
    const media = this.options.mediaBaseUrl ?? RINGCENTRAL_MEDIA_BASE_URL;
    const url =
      request.url && isSameOrigin(request.url, base, media)
        ? request.url
        : `${base}/restapi/v1.0/account/~/recording/${encodeURIComponent(request.recordingId)}/content`;
    const response = await this.http.send(this.policy(account), {
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${accessToken}` },
      idempotent: true,
    });
    return toRecordingDownload(response, 'audio/mpeg');
  }

  async deleteRecording(): Promise<void> {
    throw new UnsupportedOperationError(
      'ringcentral',
      'deleting recordings',
      "its API has no call recording delete; the account's retention policy removes it",
    );
  }

  /** `GET /restapi/v1.0/account/~/extension?page=&perPage=`, then `navigation.nextPage.uri` to the last page. */
  async listLines(account: ProviderAccount, pageToken?: string): Promise<ProviderLinePage> {
    const path =
      pageToken === undefined
        ? `/restapi/v1.0/account/~/extension?page=1&perPage=${EXTENSIONS_PAGE_SIZE}`
        : requirePageToken(pageToken, EXTENSIONS_LIST_PATH);
    const page = await this.http.sendForJson<unknown>(this.policy(account), {
      ...this.jsonRequest(account, 'GET', path),
      idempotent: true,
    });
    return parseRingCentralExtensionPage(page, EXTENSIONS_LIST_PATH);
  }

  parseWebhook(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[] {
    return parseRingCentralWebhook(request, context);
  }

  verifySignature(request: WebhookRequest, secrets: WebhookSecrets): boolean {
    return verifyRingCentralToken(request, secrets);
  }

  private jsonRequest(account: ProviderAccount, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
    const { accessToken } = requireCredentials(account, 'ringcentral', ['accessToken']);
    const base = apiBaseUrl(account, this.options.baseUrl ?? RINGCENTRAL_API_BASE_URL);
    return {
      method,
      url: `${base}${path}`,
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    };
  }

  private policy(account: ProviderAccount): ProviderPolicy {
    return this.options.policies.get(`ringcentral:${account.accountKey}`, this.options.policy);
  }
}
