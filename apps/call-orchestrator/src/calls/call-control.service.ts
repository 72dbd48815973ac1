import { TERMINAL_CALL_STATUSES, WebhookRoutes } from '@callfleet/contracts';
import { MetricsService, NatsRpcClient } from '@callfleet/platform';
import {
  type OpenedProviderAccount,
  type PlaceCallRequest,
  type PlacedCall,
  ProviderAccess,
  type TelephonyProviderAdapter,
  type TransferTarget,
} from '@callfleet/telephony';
import { Injectable } from '@nestjs/common';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import type { CallEntity } from './call.entity';

/** The query parameter of the voice URL that names our call (the first flow request may beat placeCall's reply). */
export const FLOW_CALL_PARAM = 'call';

export interface TransferOptions {
  actionUrl?: string;
  callerId?: string;
  ringTimeoutSec?: number;
}

/** Opened accounts are kept briefly: a hunt acts many times a second on one account. */
const ACCOUNT_CACHE_MS = 30_000;

/**
 * What the orchestrator does to a call at its provider: place it, change its instructions, hand it
 * off, hang it up. Every request goes through `ProviderAccess` (the account's credentials from
 * webhook-ingest, the adapter's resilience policy and outbound URL policy).
 */
@Injectable()
export class CallControl {
  private readonly access: ProviderAccess;
  private readonly accounts = new Map<string, { at: number; opened: Promise<OpenedProviderAccount> }>();

  constructor(
    rpc: NatsRpcClient,
    metrics: MetricsService,
    private readonly config: CallOrchestratorConfig,
  ) {
    this.access = new ProviderAccess(rpc, metrics, {
      timeoutMs: config.CALL_PROVIDER_TIMEOUT_MS,
      nodeEnv: config.NODE_ENV,
    });
  }

  /** The account by id (hunt creation): NOT_FOUND for another org's. */
  accountById(orgId: string, id: string): Promise<OpenedProviderAccount> {
    return this.access.account(orgId, { id });
  }

  /** Places the call; the caller has stored its row (with `dial_key`) before. */
  async place(call: CallEntity, request: Omit<PlaceCallRequest, 'to' | 'from'>): Promise<PlacedCall> {
    const { adapter, account } = await this.open(call);
    return adapter.placeCall(account.account, { ...request, to: call.toNumber, from: call.fromNumber });
  }

  /** Answered → completed, queued/ringing → canceled; a call already over (or never placed) is left alone. */
  async hangUp(call: CallEntity): Promise<void> {
    if (!call.providerCallId || isOver(call)) return;
    const { adapter, account } = await this.open(call);
    await adapter.hangUp(account.account, { callId: call.providerCallId });
  }

  /**
   * Replaces what the call is doing (Twilio: a call update with `Twiml`). `leaving` is called as the
   * request leaves (after the account's look-up), for latency measured to that moment.
   */
  async updateInstructions(call: CallEntity, twiml: string, leaving?: () => void): Promise<void> {
    const { adapter, account } = await this.open(call);
    leaving?.();
    await adapter.updateInstructions(account.account, { callId: requirePlaced(call), instructions: twiml });
  }

  /** Hands the call to `target`, keeping the far end on the line. */
  async transfer(call: CallEntity, target: TransferTarget, options: TransferOptions = {}): Promise<void> {
    const { adapter, account } = await this.open(call);
    await adapter.transfer(account.account, { callId: requirePlaced(call), target, ...options });
  }

  /** webhook-ingest's voice URL for the call's account, with our call id (and `query`) in it. */
  flowUrl(call: Pick<CallEntity, 'id' | 'accountKey'>, query: Record<string, string> = {}): string {
    const params = new URLSearchParams({ [FLOW_CALL_PARAM]: call.id, ...query });
    return `${this.config.WEBHOOKS_PUBLIC_BASE_URL}${WebhookRoutes.twilioVoice(call.accountKey)}?${params.toString()}`;
  }

  /** webhook-ingest's status callback URL for the call's account. */
  statusUrl(call: Pick<CallEntity, 'accountKey'>): string {
    return `${this.config.WEBHOOKS_PUBLIC_BASE_URL}${WebhookRoutes.twilioStatus(call.accountKey)}`;
  }

  /** webhook-ingest's answering-machine detection callback URL for the call's account. */
  amdUrl(call: Pick<CallEntity, 'accountKey'>): string {
    return `${this.config.WEBHOOKS_PUBLIC_BASE_URL}${WebhookRoutes.twilioAmd(call.accountKey)}`;
  }

  private async open(
    call: Pick<CallEntity, 'orgId' | 'accountKey' | 'provider'>,
  ): Promise<{ adapter: TelephonyProviderAdapter; account: OpenedProviderAccount }> {
    const adapter = this.access.adapter(call.provider);
    const key = `${call.orgId}:${call.accountKey}`;
    const now = Date.now();
    let cached = this.accounts.get(key);
    if (!cached || now - cached.at > ACCOUNT_CACHE_MS) {
      cached = { at: now, opened: this.access.account(call.orgId, { accountKey: call.accountKey }) };
      this.accounts.set(key, cached);
      // A failed look-up is not kept: the next action asks again.
      cached.opened.catch(() => this.accounts.delete(key));
    }
    return { adapter, account: await cached.opened };
  }
}

function isOver(call: CallEntity): boolean {
  return (TERMINAL_CALL_STATUSES as readonly string[]).includes(call.status);
}

function requirePlaced(call: CallEntity): string {
  if (!call.providerCallId) throw new Error(`call ${call.id} has no provider call id yet`);
  return call.providerCallId;
}
