import { contractProblems } from '../../test/normalized-event.assertions';
import { formWebhook, jsonWebhook } from '../../test/webhook-requests';
import { computeTwilioSignature } from './twilio-signature';
import { parseTwilioWebhook } from './twilio-webhook.parser';

const context = { accountKey: 'acme-main', receivedAt: new Date('2025-01-14T17:05:00Z') };
const callSid = 'CAe1644a7eed5088b159577c5802d8be38';

/** A status callback as Twilio posts it (call progress events, API version 2010-04-01). */
function statusCallback(overrides: Record<string, string>): Record<string, string> {
  return {
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'ringing',
    CallbackSource: 'call-progress-events',
    Called: '+15558675310',
    Caller: '+15017122661',
    Direction: 'outbound-api',
    From: '+15017122661',
    SequenceNumber: '1',
    Timestamp: 'Tue, 14 Jan 2025 17:03:41 +0000',
    To: '+15558675310',
    ...overrides,
  };
}

describe('parseTwilioWebhook', () => {
  it.each([
    ['queued', 'initiated'],
    ['initiated', 'initiated'],
    ['ringing', 'ringing'],
    ['in-progress', 'answered'],
    ['completed', 'completed'],
    ['busy', 'busy'],
    ['no-answer', 'no-answer'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
  ])('maps CallStatus %s to %s', (callStatus, status) => {
    const [event] = parseTwilioWebhook(formWebhook(statusCallback({ CallStatus: callStatus })), context);
    expect(event.status).toBe(status);
  });

  it('reads a completed status callback into one normalized event', () => {
    const events = parseTwilioWebhook(
      formWebhook(
        statusCallback({ CallStatus: 'completed', SequenceNumber: '3', CallDuration: '42', AnsweredBy: 'human' }),
      ),
      context,
    );
    expect(events).toEqual([
      expect.objectContaining({
        eventId: `twilio:acme-main:${callSid}:completed`,
        provider: 'twilio',
        accountKey: 'acme-main',
        kind: 'call-status',
        callId: callSid,
        status: 'completed',
        answeredBy: 'human',
        sequence: 3,
        from: '+15017122661',
        to: '+15558675310',
        durationSec: 42,
        occurredAt: '2025-01-14T17:03:41.000Z',
      }),
    ]);
    expect(events[0].raw).toMatchObject({ CallbackSource: 'call-progress-events', Direction: 'outbound-api' });
    expect(contractProblems(events)).toEqual([]);
  });

  it('gives a redelivery the same id and the next status another', () => {
    const first = parseTwilioWebhook(formWebhook(statusCallback({})), context)[0];
    const again = parseTwilioWebhook(formWebhook(statusCallback({})), { ...context, receivedAt: new Date() })[0];
    const next = parseTwilioWebhook(
      formWebhook(statusCallback({ CallStatus: 'in-progress', SequenceNumber: '2' })),
      context,
    )[0];
    expect(again.eventId).toBe(first.eventId);
    expect(next.eventId).not.toBe(first.eventId);
  });

  it('gives the same callback on another account another id', () => {
    const ours = parseTwilioWebhook(formWebhook(statusCallback({})), context)[0];
    const theirs = parseTwilioWebhook(formWebhook(statusCallback({})), { ...context, accountKey: 'globex' })[0];
    expect(theirs.eventId).toBe(`twilio:globex:${callSid}:ringing`);
    expect(theirs.eventId).not.toBe(ours.eventId);
  });

  it('reads an async AMD callback', () => {
    const events = parseTwilioWebhook(
      formWebhook({
        AccountSid: 'AC0123456789abcdef0123456789abcdef',
        AnsweredBy: 'machine_end_beep',
        CallSid: callSid,
        MachineDetectionDuration: '4120',
      }),
      context,
    );
    expect(events).toEqual([
      expect.objectContaining({ kind: 'amd', callId: callSid, status: 'answered', answeredBy: 'machine_end_beep' }),
    ]);
    expect(events[0].eventId).toBe(`twilio:acme-main:${callSid}:amd`);
    expect(contractProblems(events)).toEqual([]);
  });

  it('reads an unknown AnsweredBy as unknown rather than refusing the callback', () => {
    const [event] = parseTwilioWebhook(
      formWebhook({ CallSid: callSid, AnsweredBy: 'robot', MachineDetectionDuration: '900' }),
      context,
    );
    expect(event.answeredBy).toBe('unknown');
  });

  it('reads a recording status callback', () => {
    const events = parseTwilioWebhook(
      formWebhook({
        AccountSid: 'AC0123456789abcdef0123456789abcdef',
        CallSid: callSid,
        ErrorCode: '0',
        RecordingChannels: '2',
        RecordingDuration: '37',
        RecordingSid: 'RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a',
        RecordingSource: 'OutboundAPI',
        RecordingStartTime: 'Tue, 14 Jan 2025 17:03:50 +0000',
        RecordingStatus: 'completed',
        RecordingUrl:
          'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Recordings/RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a',
      }),
      context,
    );
    expect(events).toEqual([
      expect.objectContaining({
        eventId: 'twilio:acme-main:RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a:completed',
        kind: 'recording',
        callId: callSid,
        recording: {
          recordingId: 'RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a',
          url: 'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Recordings/RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a',
          durationSec: 37,
          status: 'completed',
          channels: 2,
        },
        occurredAt: '2025-01-14T17:05:00.000Z',
      }),
    ]);
    expect(contractProblems(events)).toEqual([]);
  });

  it('reads the JSON variant too', () => {
    const [event] = parseTwilioWebhook(jsonWebhook(statusCallback({ CallStatus: 'in-progress' })), context);
    expect(event.status).toBe('answered');
  });

  it.each([
    ['no CallSid', formWebhook({ CallStatus: 'ringing' })],
    ['an unknown CallStatus', formWebhook(statusCallback({ CallStatus: 'exploded' }))],
    ['neither status, AMD nor recording', formWebhook({ CallSid: callSid })],
    [
      'a recording URL that is not http(s)',
      formWebhook({
        CallSid: callSid,
        RecordingSid: 'RE1',
        RecordingStatus: 'completed',
        RecordingUrl: 'file:///etc/passwd',
      }),
    ],
    ['broken JSON', { ...jsonWebhook({}), rawBody: Buffer.from('{"CallSid":') }],
    ['a JSON array', jsonWebhook([1, 2])],
  ])('refuses %s with a 4xx error', (_, request) => {
    expect(() => parseTwilioWebhook(request, context)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('refuses ids, numbers, dates and statuses not in the form Twilio documents', () => {
    const refused: Record<string, string>[] = [
      statusCallback({ CallSid: 'CA1' }),
      statusCallback({ CallSid: `${callSid}\r\nX: y` }),
      statusCallback({ CallSid: `CA${'a'.repeat(100_000)}` }),
      statusCallback({ CallSid: callSid.toUpperCase() }),
      statusCallback({ AccountSid: 'AC0123' }),
      statusCallback({ SequenceNumber: '1TimestampTue, 14 Jan 2025 17:03:41 +0000' }),
      statusCallback({ SequenceNumber: '-1' }),
      statusCallback({ Timestamp: 'Tue, 14 Jan 2025 17:03:41 +0000To+15558675310' }),
      statusCallback({ Timestamp: '2025-01-14T17:03:41Z' }),
      statusCallback({ CallStatus: 'ringingCallbackSourcecall-progress-events' }),
      statusCallback({ Direction: 'sideways' }),
      statusCallback({ CallDuration: '42s' }),
      { ...statusCallback({}), RecordingSid: `RE${'0'.repeat(31)}` },
    ];
    for (const fields of refused) {
      expect(() => parseTwilioWebhook(formWebhook(fields), context)).toThrow(expect.objectContaining({ status: 400 }));
    }
    const repeated = {
      ...formWebhook(statusCallback({})),
      rawBody: Buffer.from(`CallSid=${callSid}&CallSid=${callSid}`),
    };
    expect(() => parseTwilioWebhook(repeated, context)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('never stores a re-split delivery as a new event: it is refused or it is the same event', () => {
    const original = statusCallback({ CallStatus: 'completed', SequenceNumber: '3', CallDuration: '42' });
    const [stored] = parseTwilioWebhook(formWebhook(original), context);
    const { Timestamp, SequenceNumber, From, ...rest } = original;
    // Each signs exactly as the original: names and values are concatenated without separators.
    const resplits: Record<string, string>[] = [
      { ...rest, From, SequenceNumber: `${SequenceNumber}Timestamp${Timestamp}` },
      { ...rest, From: `${From}SequenceNumber${SequenceNumber}`, Timestamp },
      { ...rest, From, SequenceNumbe: `r${SequenceNumber}`, Timestamp },
    ];
    const url = 'https://hooks.example/webhooks/twilio/acme-main/status';
    const token = '0123456789abcdef0123456789abcdef';
    for (const fields of resplits) {
      expect(computeTwilioSignature(token, url, fields)).toBe(computeTwilioSignature(token, url, original));
      let events: ReturnType<typeof parseTwilioWebhook> = [];
      try {
        events = parseTwilioWebhook(formWebhook(fields), context);
      } catch (error) {
        expect(error).toMatchObject({ status: 400 });
        continue;
      }
      expect(events.map((e) => e.eventId)).toEqual([stored.eventId]);
    }
  });

  it('reads a status callback that lost its CallStatus as nothing, even with AnsweredBy', () => {
    const { CallStatus: _, ...withoutStatus } = statusCallback({ AnsweredBy: 'human' });
    expect(() => parseTwilioWebhook(formWebhook(withoutStatus), context)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('refuses a content type it does not read with 415', () => {
    const request = { ...formWebhook(statusCallback({})), headers: { 'content-type': 'text/plain' } };
    expect(() => parseTwilioWebhook(request, context)).toThrow(expect.objectContaining({ status: 415 }));
  });

  it('keeps a field named __proto__ as data, never as the prototype', () => {
    const request = {
      ...formWebhook(statusCallback({})),
      rawBody: Buffer.from(`${formWebhook(statusCallback({})).rawBody}&__proto__=x`),
    };
    const [event] = parseTwilioWebhook(request, context);
    expect(Object.getPrototypeOf(event.raw)).toBe(Object.prototype);
    expect(Object.hasOwn(event.raw, '__proto__')).toBe(true);
  });
});
