import { buildWav } from '@callfleet/audio';
import { ErrorCode, type ListDto, type OkDto } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AccountsService } from '../accounts/accounts.service';
import { describeAccount, type SimAccount } from '../accounts/sim-account';
import { CallsService } from '../calls/calls.service';
import type { CurrentBridge, DialAttempt, HeardEntry, SimCall } from '../calls/sim-call';
import type { MediaStreamRecord } from '../media/media-stream-session';
import { ApiFaultsService } from '../provider-api/api-faults.service';
import { RecordingsService } from '../recordings/recordings.service';
import type { RingCentralSubscription } from '../ringcentral/ringcentral-subscription';
import { SubscriptionsService } from '../ringcentral/subscriptions.service';
import {
  AccountSettingsDto,
  ApiFaultDto,
  CallsQueryDto,
  CreateAccountDto,
  ExotelFlowDto,
  FarEndDigitsDto,
  RequestsQueryDto,
} from './admin.dto';
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

  /** Defines an Exotel call flow that streams (its Voicebot or Stream applet); calls with its flow URL run it. */
  @Put('accounts/:sid/exotel-flows/:appId')
  putExotelFlow(@Param('sid') sid: string, @Param('appId') appId: string, @Body() dto: ExotelFlowDto) {
    const account = this.accounts.require(sid);
    if (account.flavour !== 'exotel') throw new AppException(ErrorCode.VALIDATION_ERROR, 'Not an Exotel account');
    if (!/^[\w-]{1,64}$/.test(appId)) throw new AppException(ErrorCode.VALIDATION_ERROR, 'appId must be a flow id');
    account.exotelFlows[appId] = { applet: dto.applet, url: dto.url };
    return describeAccount(account);
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

  /**
   * Who was bridged to whom, across calls: every dial attempt a destination answered (the far end's
   * number, the destination, when, how long), newest last; `current` while the bridge lasts.
   */
  @Get('bridges')
  listBridges(@Query() query: CallsQueryDto): ListDto<BridgeRecord> {
    return { items: this.calls.list(query).flatMap(bridgesOf) };
  }

  /** Who the far end was bridged to: every destination its `<Dial>`s rang, with outcome and times, and the bridge now. */
  @Get('calls/:sid/dials')
  getDials(@Param('sid') sid: string): ListDto<DialAttempt> & { bridge: CurrentBridge | null } {
    const call = this.requireCall(sid);
    return { items: call.dials, bridge: call.bridge };
  }

  /**
   * What the far end heard from our side: `<Say>` texts, `<Play>` URLs, digits and pauses in order,
   * with the said texts and the digits pulled out; `farEndDigits` are the keys the far end pressed.
   */
  @Get('calls/:sid/heard')
  getHeard(
    @Param('sid') sid: string,
  ): ListDto<HeardEntry> & { said: string[]; digits: string[]; farEndDigits: string[] } {
    const call = this.requireCall(sid);
    return {
      items: call.heard,
      said: call.heard.flatMap((h) => (h.kind === 'say' ? [h.text] : [])),
      digits: call.digitsReceived,
      farEndDigits: call.history.flatMap((h) => (h.type === 'far-end-digits' ? [h.digits] : [])),
    };
  }

  /** The call's media streams: what was sent (frames, audio ms, the labeled live-human onset) and received. */
  @Get('calls/:sid/streams')
  getStreams(@Param('sid') sid: string): ListDto<MediaStreamRecord> {
    const call = this.calls.find(sid);
    if (!call) throw new AppException(ErrorCode.NOT_FOUND, 'No such call');
    return { items: call.mediaStreams };
  }

  /** What our side sent back on a bidirectional stream, as a WAV (8 kHz μ-law decoded, or Exotel's PCM rate). */
  @Get('calls/:sid/streams/:streamSid/received.wav')
  async getReceivedAudio(
    @Param('sid') sid: string,
    @Param('streamSid') streamSid: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const session = this.calls.streamSession(sid, streamSid);
    if (!session) throw new AppException(ErrorCode.NOT_FOUND, 'No such stream (or its audio is no longer kept)');
    const { sampleRate, samples } = session.receivedAudio();
    const data = Buffer.alloc(samples.length * 2);
    for (let i = 0; i < samples.length; i++) data.writeInt16LE(samples[i], i * 2);
    const wav = buildWav({ sampleRate, channels: 1, bitsPerSample: 16, data });
    await reply.status(200).header('content-type', 'audio/x-wav').send(wav);
  }

  /** The far end presses keys: bidirectional streams get `dtmf` events (the simulator's IVRs never press any). */
  @Post('calls/:sid/far-end-digits')
  @HttpCode(200)
  pressDigits(@Param('sid') sid: string, @Body() dto: FarEndDigitsDto): OkDto {
    const call = this.calls.find(sid);
    if (!call) throw new AppException(ErrorCode.NOT_FOUND, 'No such call');
    if (!this.calls.farEndDigits(call, dto.digits))
      throw new AppException(ErrorCode.STATE_CONFLICT, 'The call is over');
    return { ok: true };
  }

  private requireCall(sid: string): SimCall {
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

/** One answered dial of a call: the far end (`to`) and the destination it was bridged to. */
export interface BridgeRecord {
  callSid: string;
  accountSid: string;
  from: string;
  to: string;
  destination: DialAttempt['destination'];
  dialCallSid: string;
  answeredAt?: string;
  endedAt?: string;
  durationSeconds?: number;
  current: boolean;
}

function bridgesOf(call: SimCall): BridgeRecord[] {
  return call.dials
    .filter((d) => d.answeredAt !== undefined)
    .map((d) => ({
      callSid: call.sid,
      accountSid: call.accountSid,
      from: call.from,
      to: call.to,
      destination: d.destination,
      dialCallSid: d.dialCallSid,
      ...(d.answeredAt ? { answeredAt: d.answeredAt } : {}),
      ...(d.endedAt ? { endedAt: d.endedAt } : {}),
      ...(d.durationSeconds === undefined ? {} : { durationSeconds: d.durationSeconds }),
      current: call.bridge?.dialCallSid === d.dialCallSid,
    }));
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
