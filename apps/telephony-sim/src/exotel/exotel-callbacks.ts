import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { CallEvent } from '../calls/call-runtime';
import { CallsService } from '../calls/calls.service';
import type { SimCall } from '../calls/sim-call';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { exotelDate, exotelStatus } from './exotel-format';

/** Exotel retries a status callback that did not get its 200 up to two times. */
const EXOTEL_RETRIES = 2;

/**
 * Reports Exotel-flavoured calls to their StatusCallback: `answered` and `terminal` events when
 * subscribed, else the classic callback at the end. Exotel signs nothing; its receivers protect the
 * route with a secret in the URL.
 */
@Injectable()
export class ExotelCallbacks implements OnModuleInit {
  constructor(
    private readonly calls: CallsService,
    private readonly accounts: AccountsService,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  onModuleInit(): void {
    this.calls.subscribe((event) => {
      if (event.call.flavour === 'exotel' && event.call.exotel) this.report(event);
    });
  }

  private report({ type, call }: CallEvent): void {
    const options = call.exotel;
    if (!options?.statusCallback) return;
    let fields: Record<string, unknown> | undefined;
    if (type === 'answered' && options.statusCallbackEvents.includes('answered')) {
      fields = this.detailed(call, 'answered');
    } else if (type === 'ended') {
      fields = options.statusCallbackEvents.includes('terminal')
        ? this.detailed(call, 'terminal')
        : {
            CallSid: call.sid,
            Status: exotelStatus(call.status),
            RecordingUrl: call.recording?.url ?? '',
            DateUpdated: exotelDate(call.endedAt),
          };
    }
    if (!fields) return;
    const account = this.accounts.find(call.accountSid);
    this.webhooks.enqueue(call, {
      kind: 'exotel-status',
      url: options.statusCallback,
      body: options.statusCallbackJson ? { json: fields } : { form: toForm(fields) },
      retries: account?.webhookRetries ?? EXOTEL_RETRIES,
      copies: account?.webhookDuplicates ?? 0,
    });
  }

  private detailed(call: SimCall, eventType: 'answered' | 'terminal'): Record<string, unknown> {
    const status = exotelStatus(call.status);
    return {
      CallSid: call.sid,
      EventType: eventType,
      Status: status,
      DateCreated: exotelDate(call.createdAt),
      DateUpdated: exotelDate(new Date().toISOString()),
      To: call.exotel?.connectTo ?? '',
      From: call.to,
      PhoneNumberSid: call.exotel?.callerId ?? '',
      Direction: 'outbound-api',
      StartTime: exotelDate(call.createdAt),
      EndTime: exotelDate(call.endedAt) ?? '',
      ConversationDuration: call.durationSeconds ?? 0,
      RecordingUrl: call.recording?.url ?? '',
      CustomField: call.exotel?.customField ?? '',
      Legs: [{ OnCallDuration: call.durationSeconds ?? 0, Status: status }],
    };
  }
}

/** Exotel's form encoding of nested fields: `Legs[0][Status]=completed`. */
export function toForm(fields: Record<string, unknown>, prefix = ''): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value !== null && typeof value === 'object')
      Object.assign(form, toForm(value as Record<string, unknown>, name));
    else form[name] = value === null || value === undefined ? '' : String(value);
  }
  return form;
}
