import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SimAccount } from '../accounts/sim-account';
import { ringCentralError } from '../provider-api/provider-api-error';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import type { RingCentralSubscription, SubscriptionRequest } from './ringcentral-subscription';

/** RingCentral wants the Validation-Token echoed within 3 seconds. */
const HANDSHAKE_TIMEOUT_MS = 3000;

/** RingCentral WebHook subscriptions, with the Validation-Token handshake on creation. */
@Injectable()
export class SubscriptionsService {
  private readonly subscriptions = new Map<string, RingCentralSubscription>();

  constructor(private readonly webhooks: WebhookDispatcher) {}

  /** Creates a subscription once its address has echoed a fresh Validation-Token with a 200. */
  async create(account: SimAccount, request: SubscriptionRequest): Promise<RingCentralSubscription> {
    const now = new Date();
    const subscription: RingCentralSubscription = {
      id: randomUUID(),
      accountSid: account.sid,
      eventFilters: request.eventFilters,
      address: request.address,
      ...(request.verificationToken ? { verificationToken: request.verificationToken } : {}),
      expiresIn: request.expiresIn,
      creationTime: now.toISOString(),
      expirationTime: new Date(now.getTime() + request.expiresIn * 1000).toISOString(),
      handshakes: [],
    };
    await this.handshake(subscription);
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  renew(subscription: RingCentralSubscription, expiresIn = subscription.expiresIn): RingCentralSubscription {
    subscription.expiresIn = expiresIn;
    subscription.expirationTime = new Date(Date.now() + expiresIn * 1000).toISOString();
    return subscription;
  }

  find(account: SimAccount, id: string): RingCentralSubscription | undefined {
    const subscription = this.subscriptions.get(id);
    return subscription?.accountSid === account.sid ? subscription : undefined;
  }

  list(accountSid?: string): RingCentralSubscription[] {
    return [...this.subscriptions.values()].filter((s) => !accountSid || s.accountSid === accountSid);
  }

  delete(subscription: RingCentralSubscription): void {
    this.subscriptions.delete(subscription.id);
  }

  reset(): void {
    this.subscriptions.clear();
  }

  private async handshake(subscription: RingCentralSubscription): Promise<void> {
    const token = randomUUID();
    const result = await this.webhooks.send(undefined, {
      kind: 'ringcentral-validation',
      url: subscription.address,
      body: { empty: true },
      headers: { 'Validation-Token': token },
      retries: 0,
      timeoutMs: HANDSHAKE_TIMEOUT_MS,
    });
    subscription.handshakes.push(result.delivery);
    if (result.status === undefined) {
      throw ringCentralError(400, 'SUB-520', 'WebHook URL is not reachable or did not answer within 3 seconds');
    }
    if (result.status !== 200) {
      throw ringCentralError(400, 'SUB-522', `WebHook responds with incorrect HTTP status ${result.status}`);
    }
    if (result.headers.get('validation-token') !== token) {
      throw ringCentralError(400, 'SUB-523', 'WebHook did not echo the Validation-Token header');
    }
  }
}
