import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccountsService } from '../accounts/accounts.service';
import type { SimAccount } from '../accounts/sim-account';
import { CallsService } from '../calls/calls.service';
import type { SimCall } from '../calls/sim-call';
import { ringCentralExtensionsPage } from '../numbers/number-lists';
import { simNumbers } from '../numbers/sim-numbers';
import { ApiFaultsService } from '../provider-api/api-faults.service';
import { ringCentralError } from '../provider-api/provider-api-error';
import { ProviderApiErrorFilter } from '../provider-api/provider-api-error.filter';
import { providerBaseUrl } from '../provider-api/provider-base-url';
import { TelephonySimConfig } from '../telephony-sim.config';
import type { DialTarget } from '../twiml/twiml';
import { partyResource, partyStatus } from './ringcentral-notifications';
import {
  MAX_EXPIRES_IN,
  parseSubscriptionRequest,
  type RingCentralSubscription,
  subscriptionResource,
} from './ringcentral-subscription';
import { SubscriptionsService } from './subscriptions.service';

const PHONE = /^\+?[0-9]{3,15}$/;
const NOT_FOUND = () => ringCentralError(404, 'CMN-102', 'Resource for parameter [id] is not found');

/** RingCentral's REST API: WebHook subscriptions and telephony call control (call-out, RingOut, transfer, hang-up). */
@Controller('restapi/v1.0')
@UseFilters(ProviderApiErrorFilter)
export class RingCentralController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly calls: CallsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly faults: ApiFaultsService,
    private readonly config: TelephonySimConfig,
  ) {}

  @Post('subscription')
  @HttpCode(200)
  async subscribe(@Body() body: unknown, @Req() request: FastifyRequest) {
    const account = await this.authorize(request);
    const parsed = parseSubscriptionRequest(body);
    if (typeof parsed === 'string') throw ringCentralError(400, 'CMN-101', parsed);
    const subscription = await this.subscriptions.create(account, parsed);
    return subscriptionResource(subscription, this.base(request));
  }

  @Get('subscription')
  async listSubscriptions(@Req() request: FastifyRequest) {
    const account = await this.authorize(request);
    return { records: this.subscriptions.list(account.sid).map((s) => subscriptionResource(s, this.base(request))) };
  }

  @Get('subscription/:id')
  async getSubscription(@Param('id') id: string, @Req() request: FastifyRequest) {
    const account = await this.authorize(request);
    return subscriptionResource(this.requireSubscription(account, id), this.base(request));
  }

  @Post('subscription/:id/renew')
  @HttpCode(200)
  async renew(@Param('id') id: string, @Req() request: FastifyRequest) {
    const account = await this.authorize(request);
    const subscription = this.subscriptions.renew(this.requireSubscription(account, id));
    return subscriptionResource(subscription, this.base(request));
  }

  @Put('subscription/:id')
  async update(@Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const account = await this.authorize(request);
    const subscription = this.requireSubscription(account, id);
    const expiresIn = (body as { expiresIn?: unknown } | undefined)?.expiresIn ?? subscription.expiresIn;
    if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
      throw ringCentralError(400, 'CMN-101', 'Parameter [expiresIn] is invalid');
    }
    return subscriptionResource(this.subscriptions.renew(subscription, expiresIn), this.base(request));
  }

  @Delete('subscription/:id')
  @HttpCode(204)
  async unsubscribe(@Param('id') id: string, @Req() request: FastifyRequest): Promise<void> {
    const account = await this.authorize(request);
    this.subscriptions.delete(this.requireSubscription(account, id));
  }

  /** The account's extensions (`page` from 1, `perPage`), with `paging` and absolute `navigation` links. */
  @Get('account/:accountId/extension')
  async listExtensions(
    @Param('accountId') accountId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ) {
    const account = await this.authorize(request, accountId);
    const extensions = simNumbers('ringcentral', account.sid, account.numberCount);
    return ringCentralExtensionsPage(account.sid, extensions, query, this.base(request));
  }

  @Post('account/:accountId/telephony/call-out')
  @HttpCode(201)
  async callOut(@Param('accountId') accountId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const to = phoneField(body, 'to');
    const account = await this.authorize(request, accountId, to);
    if (!to)
      throw ringCentralError(400, 'CMN-101', 'Parameter [to.phoneNumber] is required and must be a phone number');
    const from = (body as { from?: { deviceId?: unknown; phoneNumber?: unknown } }).from;
    const fromLabel =
      typeof from?.phoneNumber === 'string' ? from.phoneNumber : `device:${String(from?.deviceId ?? '')}`;
    const call = this.place(account, request, to, fromLabel, body);
    return { session: this.sessionResource(call, account, 'CallOut') };
  }

  @Post('account/:accountId/extension/:extensionId/ring-out')
  @HttpCode(200)
  async ringOut(@Param('accountId') accountId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const to = phoneField(body, 'to');
    const account = await this.authorize(request, accountId, to);
    const from = phoneField(body, 'from');
    if (!to || !from) throw ringCentralError(400, 'CMN-101', 'Parameters [from] and [to] need a phoneNumber');
    const call = this.place(account, request, to, from, body);
    return {
      uri: `${this.base(request)}/restapi/v1.0/account/${account.sid}/extension/${account.extensionId}/ring-out/${call.sid}`,
      id: call.sid,
      status: { callStatus: 'InProgress', callerStatus: 'InProgress', calleeStatus: 'InProgress' },
    };
  }

  @Get('account/:accountId/telephony/sessions/:sessionId')
  async session(
    @Param('accountId') accountId: string,
    @Param('sessionId') sessionId: string,
    @Req() request: FastifyRequest,
  ) {
    const account = await this.authorize(request, accountId);
    const call = this.requireSession(account, sessionId);
    this.calls.note(call, { type: 'api-request', method: 'GET', path: request.url, status: 200 });
    return this.sessionResource(call, account, 'CallOut');
  }

  @Post('account/:accountId/telephony/sessions/:sessionId/parties/:partyId/transfer')
  @HttpCode(200)
  async transfer(
    @Param('accountId') accountId: string,
    @Param('sessionId') sessionId: string,
    @Param('partyId') partyId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const account = await this.authorize(request, accountId);
    const call = this.requireSession(account, sessionId);
    if (call.ringcentral?.partyId !== partyId) throw NOT_FOUND();
    const target = transferTarget(body);
    if (!target) {
      throw ringCentralError(400, 'CMN-101', 'One of [phoneNumber], [extensionNumber] or [voicemail] is required');
    }
    if (call.status !== 'in-progress' || call.bridgedTo) {
      this.calls.note(call, { type: 'api-request', method: 'POST', path: request.url, params: body, status: 409 });
      throw ringCentralError(409, 'TAS-103', 'Transfer needs the party Answered or on Hold');
    }
    this.calls.note(call, { type: 'api-request', method: 'POST', path: request.url, params: body, status: 200 });
    this.calls.transfer(call, target);
    return partyResource(call, account, { code: 'Gone', reason: 'BlindTransfer' });
  }

  @Delete('account/:accountId/telephony/sessions/:sessionId')
  @HttpCode(204)
  async hangUp(
    @Param('accountId') accountId: string,
    @Param('sessionId') sessionId: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const account = await this.authorize(request, accountId);
    const call = this.requireSession(account, sessionId);
    this.calls.note(call, { type: 'api-request', method: 'DELETE', path: request.url, status: 204 });
    this.calls.hangUp(call, 'session deleted');
  }

  private place(account: SimAccount, request: FastifyRequest, to: string, from: string, body: unknown): SimCall {
    const call = this.calls.place({
      account,
      to,
      from,
      providerBaseUrl: this.base(request),
      ringTimeoutSeconds: 60,
      record: false,
      extra: {
        ringcentral: {
          telephonySessionId: `s-${randomBytes(12).toString('hex')}`,
          sessionId: String(10_000_000_000 + randomBytes(4).readUInt32BE(0)),
          partyId: `p-${randomBytes(12).toString('hex')}-1`,
          sequence: 0,
        },
      },
    });
    this.calls.note(call, { type: 'api-request', method: 'POST', path: request.url, params: body, status: 200 });
    return call;
  }

  private sessionResource(call: SimCall, account: SimAccount, origin: string): Record<string, unknown> {
    const live: Partial<Record<SimCall['status'], string>> = {
      queued: 'Setup',
      initiated: 'Setup',
      ringing: 'Proceeding',
      'in-progress': 'Answered',
    };
    const code = call.bridgedTo ? 'Gone' : live[call.status];
    const status = code ? { code } : (partyStatus('ended', call) ?? { code: 'Disconnected' });
    return {
      id: call.ringcentral?.telephonySessionId,
      origin: { type: origin },
      creationTime: call.createdAt,
      parties: [partyResource(call, account, status)],
    };
  }

  /** Bearer token → account; `~` or the account's own id in the path; then the failing-API switches. */
  private async authorize(request: FastifyRequest, accountId = '~', dialedNumber?: string): Promise<SimAccount> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const account = bearer ? this.accounts.authenticateBearer(bearer) : undefined;
    if (!account) throw ringCentralError(401, 'AGW-401', 'Authorization header is not specified or invalid');
    if (accountId !== '~' && accountId !== account.sid) throw ringCentralError(404, 'CMN-102', 'Account not found');
    const fault = await this.faults.check(account, dialedNumber);
    if (fault?.kind === 'error') throw ringCentralError(500, 'CMN-201', 'Service Temporary Unavailable');
    if (fault?.kind === 'unavailable') {
      throw ringCentralError(503, 'CMN-211', 'Service Temporary Unavailable', {
        'Retry-After': String(fault.retryAfterSeconds),
      });
    }
    if (fault?.kind === 'rate-limited') {
      throw ringCentralError(429, 'CMN-301', 'Request rate exceeded', {
        'Retry-After': String(fault.retryAfterSeconds),
        'X-Rate-Limit-Group': 'heavy',
        'X-Rate-Limit-Limit': '10',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Window': '60',
      });
    }
    return account;
  }

  private requireSubscription(account: SimAccount, id: string): RingCentralSubscription {
    const subscription = this.subscriptions.find(account, id);
    if (!subscription) throw NOT_FOUND();
    return subscription;
  }

  private requireSession(account: SimAccount, sessionId: string): SimCall {
    const call = this.calls
      .list({ accountSid: account.sid })
      .find((c) => c.ringcentral?.telephonySessionId === sessionId);
    if (!call) throw NOT_FOUND();
    return call;
  }

  private base(request: FastifyRequest): string {
    return providerBaseUrl(request, this.config.SIM_PUBLIC_URL);
  }
}

function phoneField(body: unknown, field: 'to' | 'from'): string | undefined {
  const value = (body as Record<string, { phoneNumber?: unknown } | undefined> | undefined)?.[field]?.phoneNumber;
  return typeof value === 'string' && PHONE.test(value) ? value : undefined;
}

function transferTarget(body: unknown): DialTarget | undefined {
  const b = (body ?? {}) as { phoneNumber?: unknown; extensionNumber?: unknown; voicemail?: unknown };
  if (typeof b.phoneNumber === 'string' && PHONE.test(b.phoneNumber)) return { kind: 'number', value: b.phoneNumber };
  if (typeof b.extensionNumber === 'string' && /^\d{1,16}$/.test(b.extensionNumber)) {
    return { kind: 'extension', value: b.extensionNumber };
  }
  if (typeof b.voicemail === 'string' && /^\d{1,20}$/.test(b.voicemail))
    return { kind: 'voicemail', value: b.voicemail };
  return undefined;
}
