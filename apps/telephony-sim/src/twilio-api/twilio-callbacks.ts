import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { CallEvent } from '../calls/call-runtime';
import { CallsService } from '../calls/calls.service';
import type { SimCall } from '../calls/sim-call';
import { twilioSignature } from '../webhooks/twilio-signature';
import { type OutboundWebhook, WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { callParams, twilioDate } from './twilio-resources';

/** Which StatusCallbackEvent asks for which call event. */
const STATUS_EVENT_FOR: Partial<Record<CallEvent['type'], string>> = {
  initiated: 'initiated',
  ringing: 'ringing',
  answered: 'answered',
  ended: 'completed',
};

/**
 * Reports Twilio-flavoured calls as Twilio does: status callbacks for the events asked for (the
 * final one always), async AMD results, and recording status callbacks, each signed with
 * X-Twilio-Signature under the account's auth token.
 */
@Injectable()
export class TwilioCallbacks implements OnModuleInit {
  private readonly sequence = new Map<string, number>();

  constructor(
    private readonly calls: CallsService,
    private readonly accounts: AccountsService,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  onModuleInit(): void {
    this.calls.subscribe((event) => {
      if (event.call.flavour === 'twilio' && event.call.twilio) this.report(event);
    });
  }

  /** Sends a signed form request for a call now and waits for the answer (TwiML fetches). */
  signedRequest(call: SimCall, webhook: Omit<OutboundWebhook, 'sign' | 'retries' | 'copies'>): OutboundWebhook {
    const account = this.accounts.find(call.accountSid);
    const token = account?.authToken ?? '';
    return {
      ...webhook,
      sign: (url, params) => ({ 'X-Twilio-Signature': twilioSignature(token, url, params) }),
      ...(account?.webhookRetries === undefined ? {} : { retries: account.webhookRetries }),
      copies: account?.webhookDuplicates ?? 0,
    };
  }

  private report(event: CallEvent): void {
    const { call } = event;
    const options = call.twilio;
    if (!options) return;
    const statusEvent = STATUS_EVENT_FOR[event.type];
    if (statusEvent && options.statusCallback && options.statusCallbackEvents.includes(statusEvent)) {
      this.enqueue(
        call,
        'status-callback',
        options.statusCallback,
        options.statusCallbackMethod,
        this.statusParams(call),
      );
    }
    if (event.type === 'answered-by' && options.asyncAmd && options.asyncAmdStatusCallback) {
      this.enqueue(call, 'amd-callback', options.asyncAmdStatusCallback, options.asyncAmdStatusCallbackMethod, {
        AccountSid: call.accountSid,
        CallSid: call.sid,
        AnsweredBy: call.answeredBy ?? 'unknown',
        MachineDetectionDuration: String(Math.round(call.plan.machineDetectionSeconds * 1000)),
      });
    }
    const recordingUrl = options.recordingStatusCallback;
    if (!recordingUrl || !call.record) return;
    if (event.type === 'recording' && call.recording && options.recordingStatusCallbackEvents.includes('completed')) {
      const r = call.recording;
      this.enqueue(call, 'recording-callback', recordingUrl, options.recordingStatusCallbackMethod, {
        AccountSid: call.accountSid,
        CallSid: call.sid,
        RecordingSid: r.sid,
        RecordingUrl: r.url,
        RecordingStatus: r.status,
        RecordingDuration: String(r.durationSeconds),
        RecordingChannels: String(r.channels),
        RecordingStartTime: twilioDate(r.startedAt) ?? '',
        RecordingSource: 'OutboundAPI',
        ErrorCode: '0',
      });
    }
    if (event.type === 'ended' && !call.answeredAt && options.recordingStatusCallbackEvents.includes('absent')) {
      this.enqueue(call, 'recording-callback', recordingUrl, options.recordingStatusCallbackMethod, {
        AccountSid: call.accountSid,
        CallSid: call.sid,
        RecordingStatus: 'absent',
        RecordingSource: 'OutboundAPI',
        ErrorCode: '0',
      });
    }
  }

  private statusParams(call: SimCall): Record<string, string> {
    const sequence = this.sequence.get(call.sid) ?? 0;
    this.sequence.set(call.sid, sequence + 1);
    const final = call.endedAt !== undefined;
    if (final) this.sequence.delete(call.sid);
    return {
      ...callParams(call),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(sequence),
      Timestamp: twilioDate(new Date().toISOString()) ?? '',
      ...(final
        ? {
            CallDuration: String(call.durationSeconds ?? 0),
            // Twilio's Duration is in whole minutes, rounded up.
            Duration: String(Math.ceil((call.durationSeconds ?? 0) / 60)),
          }
        : {}),
    };
  }

  private enqueue(
    call: SimCall,
    kind: OutboundWebhook['kind'],
    url: string,
    method: 'GET' | 'POST',
    params: Record<string, string>,
  ): void {
    this.webhooks.enqueue(call, this.signedRequest(call, { kind, url, method, body: { form: params } }));
  }
}
