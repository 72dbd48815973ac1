import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { AccountsService } from '../accounts/accounts.service';
import { twilioDate } from '../twilio-api/twilio-resources';
import { twilioSignature } from '../webhooks/twilio-signature';
import type { WebhookAttempt } from '../webhooks/webhook-delivery';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { AdminTokenGuard } from './admin-token.guard';

export class WebhookBurstDto {
  /** Where the status callbacks go (e.g. webhook-ingest's Twilio status route for an account). */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  url: string;

  @IsInt()
  @Min(1)
  @Max(20_000)
  count: number;

  /** Callbacks in flight at once. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  concurrency?: number;

  /** The Twilio-flavoured account whose auth token signs them; default the dev account. */
  @IsOptional()
  @IsString()
  @Matches(/^AC[0-9a-f]{32}$/)
  accountSid?: string;

  /** Retries per callback (default: the account's, else WEBHOOK_RETRIES); the URL's `#rc=` still wins. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  retries?: number;
}

export interface BurstDelivery {
  callSid: string;
  outcome: 'delivered' | 'failed' | 'pending';
  attempts: Pick<WebhookAttempt, 'attempt' | 'status' | 'error'>[];
}

/**
 * Fires `count` distinct signed Twilio status callbacks (one per simulated call, as a busy account
 * produces them) at a URL, with the simulator's Twilio-like retries, and answers once every one
 * has had its last attempt, with each one's attempts. For receivers' durability tests and load.
 */
@Controller('admin/webhook-bursts')
@UseGuards(AdminTokenGuard)
export class WebhookBurstsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  @Post()
  @HttpCode(200)
  async fire(
    @Body() dto: WebhookBurstDto,
  ): Promise<{ delivered: number; failed: number; deliveries: BurstDelivery[] }> {
    const account = dto.accountSid
      ? this.accounts.find(dto.accountSid)
      : this.accounts.list().find((a) => a.flavour === 'twilio');
    if (account?.flavour !== 'twilio') throw new AppException(ErrorCode.NOT_FOUND, 'No such Twilio account');
    const burst = randomBytes(4).toString('hex');
    const deliveries: BurstDelivery[] = Array.from({ length: dto.count }, (_, i) => ({
      callSid: `CA${burst}${i.toString(16).padStart(24, '0')}`,
      outcome: 'pending',
      attempts: [],
    }));
    let next = 0;
    const worker = async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++];
        const params = {
          AccountSid: account.sid,
          CallSid: delivery.callSid,
          CallStatus: 'completed',
          Direction: 'outbound-api',
          From: '+15005550006',
          To: '+15005550002',
          ApiVersion: '2010-04-01',
          Timestamp: twilioDate(new Date().toISOString()) ?? '',
          SequenceNumber: '3',
          CallbackSource: 'call-progress-events',
          CallDuration: '42',
          Duration: '1',
        };
        const result = await this.webhooks.send(undefined, {
          kind: 'status-callback',
          url: dto.url,
          body: { form: params },
          sign: (url, signed) => ({ 'X-Twilio-Signature': twilioSignature(account.authToken, url, signed) }),
          retries: dto.retries ?? account.webhookRetries,
        });
        delivery.outcome = result.delivery.outcome;
        delivery.attempts = result.delivery.attempts.map(({ attempt, status, error }) => ({ attempt, status, error }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(dto.concurrency ?? 50, dto.count) }, worker));
    return {
      delivered: deliveries.filter((d) => d.outcome === 'delivered').length,
      failed: deliveries.filter((d) => d.outcome === 'failed').length,
      deliveries,
    };
  }
}
