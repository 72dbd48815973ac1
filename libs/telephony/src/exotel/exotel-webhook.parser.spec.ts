import { contractProblems } from '../../test/normalized-event.assertions';
import { formWebhook, jsonWebhook } from '../../test/webhook-requests';
import { parseExotelWebhook } from './exotel-webhook.parser';

const context = { accountKey: 'exo-in', receivedAt: new Date('2024-01-15T09:01:00Z') };

/** An extended status callback (StatusCallbackEvents + StatusCallbackContentType=application/json). */
const terminal = {
  CallSid: '80bfbec2d78bbbf10fb851f4fa165211',
  EventType: 'terminal',
  DateCreated: '2024-01-15 14:29:50',
  DateUpdated: '2024-01-15 14:30:45',
  Status: 'completed',
  To: '09876543210',
  From: '08012345678',
  PhoneNumberSid: '08047112233',
  StartTime: '2024-01-15 14:29:51',
  EndTime: '2024-01-15 14:30:44',
  ConversationDuration: 41,
  Direction: 'outbound-api',
  CustomField: 'hunt-17',
  RecordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/acme/80bfbec2d78bbbf10fb851f4fa165211.mp3',
  Legs: [{ OnCallDuration: 41, Status: 'completed', AnsweredBy: 'Human' }],
};

describe('parseExotelWebhook', () => {
  it('reads a terminal callback into a call status and the recording it announces', () => {
    const events = parseExotelWebhook(jsonWebhook(terminal), context);
    expect(events).toEqual([
      expect.objectContaining({
        provider: 'exotel',
        accountKey: 'exo-in',
        kind: 'call-status',
        callId: '80bfbec2d78bbbf10fb851f4fa165211',
        status: 'completed',
        answeredBy: 'human',
        from: '08012345678',
        to: '09876543210',
        durationSec: 41,
        // 14:30:45 IST
        occurredAt: '2024-01-15T09:00:45.000Z',
      }),
      expect.objectContaining({
        kind: 'recording',
        callId: '80bfbec2d78bbbf10fb851f4fa165211',
        recording: {
          recordingId: '80bfbec2d78bbbf10fb851f4fa165211',
          url: terminal.RecordingUrl,
          durationSec: 41,
          status: 'completed',
        },
      }),
    ]);
    expect(events[0].eventId).not.toBe(events[1].eventId);
    expect(contractProblems(events)).toEqual([]);
  });

  it('reads the answered event as answered, without a recording yet', () => {
    const events = parseExotelWebhook(
      jsonWebhook({ ...terminal, EventType: 'answered', Status: 'in-progress', RecordingUrl: null, Legs: undefined }),
      context,
    );
    expect(events).toEqual([expect.objectContaining({ kind: 'call-status', status: 'answered' })]);
    expect(contractProblems(events)).toEqual([]);
  });

  it.each([
    ['busy', 'busy'],
    ['no-answer', 'no-answer'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
  ])('maps Status %s of the default (form) callback to %s', (exotelStatus, status) => {
    const events = parseExotelWebhook(
      formWebhook({ CallSid: 'c1', DateUpdated: '2024-01-15 14:30:45', Status: exotelStatus, RecordingUrl: '' }),
      context,
    );
    expect(events).toEqual([expect.objectContaining({ status })]);
  });

  it('hashes the payload for an id: a retry repeats it, another account does not', () => {
    const first = parseExotelWebhook(jsonWebhook(terminal), context)[0].eventId;
    expect(parseExotelWebhook(jsonWebhook({ ...terminal }), context)[0].eventId).toBe(first);
    expect(parseExotelWebhook(jsonWebhook(terminal), { ...context, accountKey: 'exo-sg' })[0].eventId).not.toBe(first);
    expect(first).toMatch(/^exotel:exo-in:sha256:[0-9a-f]{64}$/);
  });

  it('reads times at the configured offset', () => {
    const [event] = parseExotelWebhook(jsonWebhook(terminal), { ...context, providerUtcOffset: '+08:00' });
    expect(event.occurredAt).toBe('2024-01-15T06:30:45.000Z');
  });

  it('refuses an unknown Status or a missing CallSid', () => {
    expect(() => parseExotelWebhook(jsonWebhook({ ...terminal, Status: 'exploded' }), context)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => parseExotelWebhook(jsonWebhook({ Status: 'completed' }), context)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
