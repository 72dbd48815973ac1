import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { SimAccount } from '../accounts/sim-account';
import type { CallEvent } from '../calls/call-runtime';
import { CallsService } from '../calls/calls.service';
import type { SimCall } from '../calls/sim-call';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { isActive, wantsTelephonySessions } from './ringcentral-subscription';
import { SubscriptionsService } from './subscriptions.service';

type PartyStatus = { code: string; reason?: string };

/** RingCentral's party status for a call event (and the reason it gives when a call ends unanswered). */
export function partyStatus(event: CallEvent['type'], call: Pick<SimCall, 'status'>): PartyStatus | undefined {
  switch (event) {
    case 'initiated':
      return { code: 'Setup' };
    case 'ringing':
      return { code: 'Proceeding' };
    case 'answered':
      return { code: 'Answered' };
    case 'bridged':
      return { code: 'Gone', reason: 'BlindTransfer' };
    case 'ended': {
      const reasons: Record<string, string> = {
        busy: 'Busy',
        'no-answer': 'NoAnswer',
        failed: 'CallFailed',
        canceled: 'CallerHangUp',
      };
      return { code: 'Disconnected', ...(reasons[call.status] ? { reason: reasons[call.status] } : {}) };
    }
    default:
      return undefined;
  }
}

/** The party this extension has in a call, as RingCentral describes it. */
export function partyResource(call: SimCall, account: SimAccount, status: PartyStatus): Record<string, unknown> {
  return {
    accountId: account.sid,
    extensionId: account.extensionId,
    id: call.ringcentral?.partyId,
    direction: 'Outbound',
    to: { phoneNumber: call.to },
    from: { phoneNumber: call.from, extensionId: account.extensionId },
    status,
    missedCall: false,
    standAlone: false,
    muted: false,
  };
}

/**
 * Reports RingCentral-flavoured calls as telephony-session notifications to every live
 * subscription of the account that asked for them, with its `Verification-Token`.
 */
@Injectable()
export class RingCentralNotifications implements OnModuleInit {
  constructor(
    private readonly calls: CallsService,
    private readonly accounts: AccountsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  onModuleInit(): void {
    this.calls.subscribe((event) => {
      if (event.call.flavour === 'ringcentral' && event.call.ringcentral) this.report(event);
    });
  }

  private report({ type, call }: CallEvent): void {
    const ids = call.ringcentral;
    const account = this.accounts.find(call.accountSid);
    const status = partyStatus(type, call);
    if (!ids || !account || !status) return;
    ids.sequence += 1;
    const eventPath = `/restapi/v1.0/account/${account.sid}/extension/${account.extensionId}/telephony/sessions`;
    for (const subscription of this.subscriptions.list(account.sid)) {
      if (!isActive(subscription) || !wantsTelephonySessions(subscription)) continue;
      const now = new Date().toISOString();
      this.webhooks.enqueue(call, {
        kind: 'ringcentral-notification',
        url: subscription.address,
        body: {
          json: {
            uuid: randomUUID(),
            event: eventPath,
            timestamp: now,
            subscriptionId: subscription.id,
            ownerId: account.extensionId,
            body: {
              sequence: ids.sequence,
              sessionId: ids.sessionId,
              telephonySessionId: ids.telephonySessionId,
              serverId: 'telephony-sim.callfleet',
              eventTime: now,
              origin: { type: 'Call' },
              parties: [partyResource(call, account, status)],
            },
          },
        },
        headers: subscription.verificationToken ? { 'Verification-Token': subscription.verificationToken } : {},
        ...(account.webhookRetries === undefined ? {} : { retries: account.webhookRetries }),
        copies: account.webhookDuplicates,
      });
    }
  }
}
