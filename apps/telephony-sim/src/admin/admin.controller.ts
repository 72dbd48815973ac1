import { ErrorCode, type ListDto, type OkDto } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { describeAccount, type SimAccount } from '../accounts/sim-account';
import { CallsService } from '../calls/calls.service';
import type { SimCall } from '../calls/sim-call';
import { ApiFaultsService } from '../provider-api/api-faults.service';
import { RecordingsService } from '../recordings/recordings.service';
import type { RingCentralSubscription } from '../ringcentral/ringcentral-subscription';
import { SubscriptionsService } from '../ringcentral/subscriptions.service';
import { AccountSettingsDto, ApiFaultDto, CallsQueryDto, CreateAccountDto, RequestsQueryDto } from './admin.dto';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiRequestLog, type ApiRequestRecord } from './api-request-log';

const TWILIO_SID = /^AC[0-9a-f]{32}$/;

/** The simulator's own API, for tests and the demo: accounts and switches, and what happened to each call. */
@Controller('admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly calls: CallsService,
    private readonly recordings: RecordingsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly faults: ApiFaultsService,
    private readonly requests: ApiRequestLog,
  ) {}

  @Get('accounts')
  listAccounts(): ListDto<ReturnType<typeof describeAccount>> {
    return { items: this.accounts.list().map(describeAccount) };
  }

  /** Creates (or replaces) an account; the answer is the only one that shows its auth token. */
  @Post('accounts')
  createAccount(@Body() dto: CreateAccountDto): SimAccount {
    if (dto.flavour === 'twilio' && dto.sid !== undefined && !TWILIO_SID.test(dto.sid)) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'A Twilio AccountSid is AC followed by 32 hex digits');
    }
    return this.accounts.upsert({ ...settings(dto), flavour: dto.flavour, ...(dto.sid ? { sid: dto.sid } : {}) });
  }

  @Get('accounts/:sid')
  getAccount(@Param('sid') sid: string) {
    return describeAccount(this.accounts.require(sid));
  }

  /** Changes settings and flips switches (failing API, download behaviour, duplicates, time scale). */
  @Patch('accounts/:sid')
  updateAccount(@Param('sid') sid: string, @Body() dto: AccountSettingsDto) {
    return describeAccount(this.accounts.update(sid, settings(dto)));
  }

  @Get('calls')
  listCalls(@Query() query: CallsQueryDto): ListDto<SimCall> {
    return { items: this.calls.list(query) };
  }

  @Get('calls/:sid')
  getCall(@Param('sid') sid: string): SimCall {
    const call = this.calls.find(sid);
    if (!call) throw new AppException(ErrorCode.NOT_FOUND, 'No such call');
    return call;
  }

  @Get('requests')
  listRequests(@Query() query: RequestsQueryDto): ListDto<ApiRequestRecord> {
    return { items: this.requests.list(query.path) };
  }

  @Get('subscriptions')
  listSubscriptions(): ListDto<Omit<RingCentralSubscription, 'verificationToken'>> {
    return { items: this.subscriptions.list().map(({ verificationToken: _secret, ...visible }) => visible) };
  }

  /** Forgets every call, recording, subscription and request, and restores the dev accounts. */
  @Post('reset')
  @HttpCode(200)
  reset(): OkDto {
    this.calls.reset();
    this.recordings.reset();
    this.subscriptions.reset();
    this.faults.reset();
    this.requests.reset();
    this.accounts.reset();
    return { ok: true };
  }
}

function settings(dto: AccountSettingsDto): Partial<SimAccount> {
  const { apiFault, holdSeconds, ...rest } = dto;
  // Only what the request set: a DTO instance may carry every declared field, unset ones as undefined.
  const changes: Partial<SimAccount> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (holdSeconds) {
    if (holdSeconds.min > holdSeconds.max) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'holdSeconds.min must not exceed holdSeconds.max');
    }
    changes.holdSeconds = { min: holdSeconds.min, max: holdSeconds.max };
  }
  if (apiFault === null) changes.apiFault = null;
  else if (apiFault instanceof ApiFaultDto) {
    changes.apiFault = {
      mode: apiFault.mode,
      remaining: apiFault.remaining ?? null,
      retryAfterSeconds: apiFault.retryAfterSeconds ?? 1,
    };
  }
  return changes;
}
