import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountsService, parseBasicAuth } from '../accounts/accounts.service';
import type { SimAccount } from '../accounts/sim-account';
import { exotelError, ringCentralError, twilioError } from '../provider-api/provider-api-error';
import { ProviderApiErrorFilter } from '../provider-api/provider-api-error.filter';
import { TelephonySimConfig } from '../telephony-sim.config';
import { recordingResource } from '../twilio-api/twilio-resources';
import { downloadMode, sendRecording } from './download-behaviour';
import { RecordingsService, type StoredRecording } from './recordings.service';

const RECORDING_FILE = /^(RE[0-9a-f]{32})(\.(wav|mp3|json))?$/;
const CONTENT_TYPES = { wav: 'audio/x-wav', mp3: 'audio/mpeg' } as const;

/**
 * Recording downloads in each provider's place. Like Twilio's default, Twilio media is served
 * without credentials (the sid is the secret) unless some are sent, which must then be right.
 */
@Controller()
@UseFilters(ProviderApiErrorFilter)
export class RecordingsController {
  constructor(
    private readonly recordings: RecordingsService,
    private readonly accounts: AccountsService,
    private readonly config: TelephonySimConfig,
  ) {}

  @Get('2010-04-01/Accounts/:accountSid/Recordings/:file')
  twilio(
    @Param('accountSid') accountSid: string,
    @Param('file') file: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    const account = this.accounts.find(accountSid);
    const credentials = parseBasicAuth(request.headers.authorization);
    if (request.headers.authorization !== undefined) {
      const ok =
        credentials && this.accounts.authenticateBasic(credentials.user, credentials.password, 'twilio', accountSid);
      if (!ok) throw twilioError(401, 20003, 'Authenticate');
    }
    const match = RECORDING_FILE.exec(file);
    const recording = account && match ? this.recordings.find(account.sid, match[1]) : undefined;
    if (!account || !match || !recording) throw twilioError(404, 20404, 'The requested resource was not found');
    const format = match[3] ?? 'wav';
    if (format === 'json') {
      void reply.send(recordingResource(recording, recording.info));
      return;
    }
    this.serve(reply, account, query, format as 'wav' | 'mp3', recording, () =>
      twilioError(500, 20500, 'Internal Server Error'),
    );
  }

  @Get('exotel/recordings/:accountSid/:file')
  exotel(
    @Param('accountSid') accountSid: string,
    @Param('file') file: string,
    @Query() query: unknown,
    @Res() reply: FastifyReply,
  ): void {
    const account = this.accounts.find(accountSid);
    const match = RECORDING_FILE.exec(file);
    const recording = account && match && match[3] !== 'json' ? this.recordings.find(account.sid, match[1]) : undefined;
    if (!account || !match || !recording) throw exotelError(404, 'Recording not found');
    this.serve(reply, account, query, (match[3] as 'wav' | 'mp3' | undefined) ?? 'mp3', recording, () =>
      exotelError(500, 'Internal Server Error'),
    );
  }

  @Get('restapi/v1.0/account/:accountId/recording/:recordingId/content')
  ringCentral(
    @Param('accountId') accountId: string,
    @Param('recordingId') recordingId: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const account = bearer ? this.accounts.authenticateBearer(bearer) : undefined;
    if (!account) throw ringCentralError(401, 'AGW-401', 'Authorization header is not specified or invalid');
    if (accountId !== '~' && accountId !== account.sid) throw ringCentralError(404, 'CMN-102', 'Resource not found');
    const recording = this.recordings.find(account.sid, recordingId);
    if (!recording) throw ringCentralError(404, 'CMN-102', 'Resource for parameter [recordingId] is not found');
    const format = (query as { contentType?: string } | undefined)?.contentType === 'audio/wav' ? 'wav' : 'mp3';
    this.serve(reply, account, query, format, recording, () =>
      ringCentralError(500, 'CMN-201', 'Service Temporary Unavailable'),
    );
  }

  private serve(
    reply: FastifyReply,
    account: SimAccount,
    query: unknown,
    format: 'wav' | 'mp3',
    recording: StoredRecording,
    failure: () => Error,
  ): void {
    const mode = downloadMode(query, account.recordingDownload);
    if (mode === 'failing') throw failure();
    const file = this.recordings.file(recording, format);
    sendRecording(reply, file, CONTENT_TYPES[format], mode, this.config.SIM_SLOW_DOWNLOAD_BYTES_PER_SECOND);
  }
}
