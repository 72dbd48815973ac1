import { CallCommands, CallFlowResponseDto, ErrorCode } from '@callfleet/contracts';
import { AppException, MetricsService, NatsRpcClient } from '@callfleet/platform';
import { twilioCallFlowRequest, twilioFallbackFlow, type WebhookRequest } from '@callfleet/telephony';
import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ResolvedAccount } from '../provider-accounts/provider-accounts.service';
import { WebhookIngestConfig } from '../webhook-ingest.config';

/** Why a call got the fallback instead of the orchestrator's instructions (the metric's `reason`). */
export type CallFlowMiss = 'timeout' | 'no-responder' | 'error' | 'invalid-reply';

/** Reads a `calls.v1.flow` reply; anything but a well-formed one is a miss. */
export function readCallFlowReply(reply: unknown): CallFlowResponseDto | undefined {
  if (reply === null || typeof reply !== 'object' || Array.isArray(reply)) return undefined;
  const dto = plainToInstance(CallFlowResponseDto, reply);
  const problems = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  return problems.length === 0 ? { contentType: dto.contentType, body: dto.body } : undefined;
}

export function missReason(error: unknown): CallFlowMiss {
  if (error instanceof AppException) {
    if (error.code === ErrorCode.TIMEOUT) return 'timeout';
    if (error.code === ErrorCode.SERVICE_UNAVAILABLE) return 'no-responder';
  }
  return 'error';
}

/**
 * Call-flow webhooks (Twilio's voice `Url`): the provider waits on the line for instructions, so
 * they are asked of call-orchestrator on `calls.v1.flow` with a tight timeout. When nobody answers
 * in time, or answers something unusable, the caller hears a short pause and the call hangs up
 * (never dead air), and the miss is counted in `callfleet_webhooks_call_flow_fallbacks_total`.
 */
@Injectable()
export class CallFlowService {
  private readonly logger = new Logger('CallFlow');
  private readonly fallback: CallFlowResponseDto;

  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly config: WebhookIngestConfig,
    private readonly metrics: MetricsService,
  ) {
    const standard = twilioFallbackFlow(config.CALL_FLOW_FALLBACK_PAUSE_SECONDS);
    this.fallback = config.CALL_FLOW_FALLBACK_TWIML
      ? { contentType: standard.contentType, body: config.CALL_FLOW_FALLBACK_TWIML }
      : standard;
  }

  /** Instructions for the call; a malformed request is refused (4xx) before anything is asked. */
  async instructionsFor(account: ResolvedAccount, webhook: WebhookRequest): Promise<CallFlowResponseDto> {
    const question = twilioCallFlowRequest(webhook, account.accountKey);
    try {
      // Typed by the descriptor, but another service's answer: checked before the provider sees it.
      const reply: unknown = await this.rpc.call(CallCommands.Flow, question, {
        timeoutMs: this.config.CALL_FLOW_TIMEOUT_MS,
      });
      return readCallFlowReply(reply) ?? this.missed(account, 'invalid-reply');
    } catch (error) {
      return this.missed(account, missReason(error), error);
    }
  }

  private missed(account: ResolvedAccount, reason: CallFlowMiss, error?: unknown): CallFlowResponseDto {
    this.metrics
      .counter(
        'callfleet_webhooks_call_flow_fallbacks_total',
        'Call-flow webhooks answered with the fallback (no usable call-flow answer in time), by reason',
        ['provider', 'reason'],
      )
      .inc({ provider: account.provider, reason });
    this.logger.warn(`call flow fallback for ${account.accountKey} (${reason})${error ? `: ${String(error)}` : ''}`);
    return this.fallback;
  }
}
