import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccountsService, parseBasicAuth } from '../accounts/accounts.service';
import type { SimAccount } from '../accounts/sim-account';
import { CallsService } from '../calls/calls.service';
import type { SimCall } from '../calls/sim-call';
import type { MediaStreamRecord } from '../media/media-stream-session';
import { twilioNumbersPage } from '../numbers/number-lists';
import { simNumbers } from '../numbers/sim-numbers';
import { ApiFaultsService } from '../provider-api/api-faults.service';
import { type FormFields, formValue, isForm, resolveCallbackUrl } from '../provider-api/form-fields';
import { ProviderApiError, twilioError } from '../provider-api/provider-api-error';
import { ProviderApiErrorFilter } from '../provider-api/provider-api-error.filter';
import { providerBaseUrl } from '../provider-api/provider-base-url';
import { RecordingsService } from '../recordings/recordings.service';
import { TelephonySimConfig } from '../telephony-sim.config';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { parseCreateCall } from './create-call-request';
import { TwilioCallDriver, type TwimlSource } from './twilio-call-driver';
import { TwilioCallbacks } from './twilio-callbacks';
import { MAX_INLINE_TWIML } from './twilio-limits';
import { callResource } from './twilio-resources';

const CALL_SID = /^CA[0-9a-f]{32}$/;
const RECORDING_RESOURCE = /^(RE[0-9a-f]{32})(\.json)?$/;

/** Twilio's Programmable Voice REST API: create, list, fetch and update calls; delete recordings. */
@Controller('2010-04-01/Accounts/:accountSid')
@UseFilters(ProviderApiErrorFilter)
export class TwilioApiController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly calls: CallsService,
    private readonly faults: ApiFaultsService,
    private readonly callbacks: TwilioCallbacks,
    private readonly webhooks: WebhookDispatcher,
    private readonly config: TelephonySimConfig,
    private readonly recordings: RecordingsService,
  ) {}

  @Post('Calls.json')
  @HttpCode(201)
  async create(@Param('accountSid') accountSid: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const account = this.authenticate(request, accountSid);
    const form: FormFields = isForm(body) ? body : {};
    await this.failIfFaulty(account, formValue(form, 'To'));
    const parsed = parseCreateCall(form, account.webhookBaseUrl);
    if (parsed instanceof ProviderApiError) throw parsed;
    const source: TwimlSource = parsed.options.url
      ? { url: parsed.options.url, method: parsed.options.method }
      : { twiml: parsed.options.twiml ?? '<Response/>' };
    const call = this.calls.place({
      account,
      to: parsed.to,
      from: parsed.from,
      providerBaseUrl: providerBaseUrl(request, this.config.SIM_PUBLIC_URL),
      ringTimeoutSeconds: parsed.timeoutSeconds,
      record: parsed.record,
      driver: new TwilioCallDriver(source, this.callbacks, this.webhooks, true),
      extra: { twilio: parsed.options },
    });
    this.calls.note(call, { type: 'api-request', method: 'POST', path: request.url, params: form, status: 201 });
    return callResource(call);
  }

  @Get('Calls.json')
  async list(@Param('accountSid') accountSid: string, @Req() request: FastifyRequest) {
    const account = this.authenticate(request, accountSid);
    await this.failIfFaulty(account);
    const calls = this.calls.list({ accountSid: account.sid }).reverse();
    return {
      calls: calls.map(callResource),
      page: 0,
      page_size: calls.length,
      uri: request.url,
      first_page_uri: request.url,
      next_page_uri: null,
      previous_page_uri: null,
    };
  }

  /** The account's numbers, paged as Twilio pages them (a relative `next_page_uri` with a PageToken). */
  @Get('IncomingPhoneNumbers.json')
  async listNumbers(
    @Param('accountSid') accountSid: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ) {
    const account = this.authenticate(request, accountSid);
    await this.failIfFaulty(account);
    return twilioNumbersPage(account.sid, simNumbers('twilio', account.sid, account.numberCount), query);
  }

  @Get('Calls/:callResource')
  async fetch(
    @Param('accountSid') accountSid: string,
    @Param('callResource') resource: string,
    @Req() request: FastifyRequest,
  ) {
    const account = this.authenticate(request, accountSid);
    await this.failIfFaulty(account);
    const call = this.requireCall(account, resource);
    this.calls.note(call, { type: 'api-request', method: 'GET', path: request.url, status: 200 });
    return callResource(call);
  }

  @Post('Calls/:callResource')
  @HttpCode(200)
  async update(
    @Param('accountSid') accountSid: string,
    @Param('callResource') resource: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const account = this.authenticate(request, accountSid);
    await this.failIfFaulty(account);
    const call = this.requireCall(account, resource);
    const form: FormFields = isForm(body) ? body : {};
    const status = formValue(form, 'Status');
    const url = formValue(form, 'Url');
    const twiml = formValue(form, 'Twiml');
    const refuse = (error: ProviderApiError): never => {
      this.calls.note(call, {
        type: 'api-request',
        method: 'POST',
        path: request.url,
        params: form,
        status: error.status,
      });
      throw error;
    };
    if (status !== undefined && status !== 'completed' && status !== 'canceled') {
      refuse(twilioError(400, 21220, 'Status must be completed or canceled'));
    }
    if (status === undefined && (url || twiml) && !this.calls.isLive(call)) {
      refuse(twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.'));
    }
    if (twiml && twiml.length > MAX_INLINE_TWIML) {
      refuse(twilioError(400, 21220, `Twiml is longer than ${MAX_INLINE_TWIML} characters`));
    }
    const resolvedUrl = url === undefined ? undefined : resolveCallbackUrl(url, account.webhookBaseUrl);
    if (url !== undefined && !resolvedUrl) refuse(twilioError(400, 21205, 'Url is not a valid URL'));

    this.calls.note(call, { type: 'api-request', method: 'POST', path: request.url, params: form, status: 200 });
    if (status === 'completed' || (status === 'canceled' && !call.answeredAt)) {
      this.calls.hangUp(call, `Status=${status}`);
    } else if (resolvedUrl || twiml) {
      const method = formValue(form, 'Method')?.toUpperCase() === 'GET' ? 'GET' : 'POST';
      const source: TwimlSource = resolvedUrl ? { url: resolvedUrl, method } : { twiml: twiml as string };
      this.calls.redirect(call, new TwilioCallDriver(source, this.callbacks, this.webhooks, false));
    }
    return callResource(call);
  }

  /**
   * Twilio's Streams resource: starts a listen-only fork on a live call (as `<Start><Stream>` does),
   * with `Url`, `Name`, `Track` and `Parameter{n}.Name` / `Parameter{n}.Value`.
   */
  @Post('Calls/:callSid/Streams.json')
  @HttpCode(201)
  async startStream(
    @Param('accountSid') accountSid: string,
    @Param('callSid') callSid: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const account = this.authenticate(request, accountSid);
    await this.failIfFaulty(account);
    const call = this.requireCall(account, callSid);
    const form: FormFields = isForm(body) ? body : {};
    const url = formValue(form, 'Url');
    if (!url || !/^wss?:\/\/[^\s]+$/.test(url)) throw twilioError(400, 21205, 'Url must be a ws:// or wss:// URL');
    const track = formValue(form, 'Track');
    if (track !== undefined && !['inbound_track', 'outbound_track', 'both_tracks'].includes(track)) {
      throw twilioError(400, 21220, 'Track must be inbound_track, outbound_track or both_tracks');
    }
    const name = formValue(form, 'Name');
    const parameters: Record<string, string> = {};
    for (let n = 1; n <= 99; n++) {
      const key = formValue(form, `Parameter${n}.Name`);
      if (key) parameters[key] = formValue(form, `Parameter${n}.Value`) ?? '';
    }
    const session = this.calls.openStream(call, {
      provider: 'twilio',
      kind: 'fork',
      stream: { url, parameters, ...(name ? { name } : {}), ...(track ? { track } : {}) },
      bidirectional: false,
    });
    if (!session) throw twilioError(400, 21220, 'Call is not in-progress. Cannot start a stream.');
    this.calls.note(call, { type: 'api-request', method: 'POST', path: request.url, params: form, status: 201 });
    return streamResource(call, session.record, 'in-progress');
  }

  /** `Status=stopped` ends a fork started by TwiML or the API, found by its sid or its name. */
  @Post('Calls/:callSid/Streams/:streamResource')
  @HttpCode(200)
  async stopStream(
    @Param('accountSid') accountSid: string,
    @Param('callSid') callSid: string,
    @Param('streamResource') resource: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const account = this.authenticate(request, accountSid);
    await this.failIfFaulty(account);
    const call = this.requireCall(account, callSid);
    const form: FormFields = isForm(body) ? body : {};
    if (formValue(form, 'Status') !== 'stopped') throw twilioError(400, 21220, 'Status must be stopped');
    const key = resource.endsWith('.json') ? resource.slice(0, -'.json'.length) : resource;
    const record = call.mediaStreams.find((s) => s.kind === 'fork' && (s.streamSid === key || s.name === key));
    if (!record) throw twilioError(404, 20404, 'The requested resource was not found');
    this.calls.streamSession(call.sid, record.streamSid)?.stop('stopped by the Streams API');
    this.calls.note(call, { type: 'api-request', method: 'POST', path: request.url, params: form, status: 200 });
    return streamResource(call, record, 'stopped');
  }

  /** As Twilio: credentials required (unlike media downloads), 204 when deleted, 404 when there is none. */
  @Delete('Recordings/:recordingResource')
  @HttpCode(204)
  async deleteRecording(
    @Param('accountSid') accountSid: string,
    @Param('recordingResource') resource: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const account = this.authenticate(request, accountSid);
    await this.failIfFaulty(account);
    const sid = RECORDING_RESOURCE.exec(resource)?.[1];
    if (!sid || !this.recordings.delete(account.sid, sid)) {
      throw twilioError(404, 20404, 'The requested resource was not found');
    }
  }

  private authenticate(request: FastifyRequest, accountSid: string): SimAccount {
    const credentials = parseBasicAuth(request.headers.authorization);
    const account = credentials
      ? this.accounts.authenticateBasic(credentials.user, credentials.password, 'twilio', accountSid)
      : undefined;
    if (!account) throw twilioError(401, 20003, 'Authenticate', { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
    return account;
  }

  private async failIfFaulty(account: SimAccount, dialedNumber?: string): Promise<void> {
    const fault = await this.faults.check(account, dialedNumber);
    if (!fault) return;
    if (fault.kind === 'error') throw twilioError(500, 20500, 'Internal Server Error');
    const retryAfter = { 'Retry-After': String(fault.retryAfterSeconds) };
    if (fault.kind === 'unavailable') throw twilioError(503, 20503, 'Service Unavailable', retryAfter);
    throw twilioError(429, 20429, 'Too Many Requests', retryAfter);
  }

  private requireCall(account: SimAccount, resource: string): SimCall {
    const sid = resource.endsWith('.json') ? resource.slice(0, -'.json'.length) : resource;
    const call = CALL_SID.test(sid) ? this.calls.findForAccount(account.sid, sid) : undefined;
    if (!call) throw twilioError(404, 20404, `The requested resource ${resourcePath(account, sid)} was not found`);
    return call;
  }
}

function streamResource(call: SimCall, record: MediaStreamRecord, status: 'in-progress' | 'stopped') {
  return {
    sid: record.streamSid,
    account_sid: call.accountSid,
    call_sid: call.sid,
    name: record.name ?? null,
    status,
    date_updated: new Date().toUTCString().replace('GMT', '+0000'),
    uri: `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}/Streams/${record.streamSid}.json`,
  };
}

function resourcePath(account: SimAccount, sid: string): string {
  return `/2010-04-01/Accounts/${account.sid}/Calls/${sid.replace(/[^\w]/g, '').slice(0, 40)}.json`;
}
