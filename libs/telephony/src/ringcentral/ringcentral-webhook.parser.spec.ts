import { contractProblems } from '../../test/normalized-event.assertions';
import { jsonWebhook } from '../../test/webhook-requests';
import { mapRingCentralPartyStatus, parseRingCentralWebhook } from './ringcentral-webhook.parser';

const context = { accountKey: 'rc-main', receivedAt: new Date('2025-02-03T10:00:05Z') };

function notification(status: { code: string; reason?: string }, sequence = 4) {
  return {
    uuid: '5e4d5ac6-1a46-4a26-a5c8-6fd3f8e1f7c1',
    event: '/restapi/v1.0/account/~/extension/62264425012/telephony/sessions',
    timestamp: '2025-02-03T10:00:04.512Z',
    subscriptionId: 'b3e2d7a8-1c0f-4b6f-9d3e-0f0a6b1c2d3e',
    ownerId: '62264425012',
    body: {
      sequence,
      sessionId: '4503991004',
      telephonySessionId: 's-a0d7e1d5c6f0e4d6f8b1e3f0c6d5e4b1',
      serverId: '10.13.122.21.TAM',
      eventTime: '2025-02-03T10:00:04.401Z',
      parties: [
        {
          accountId: '62264425012',
          extensionId: '62264425012',
          id: 'p-a0d7e1d5c6f0e4d6f8b1e3f0c6d5e4b1-1',
          direction: 'Outbound',
          to: { phoneNumber: '+16505550100' },
          from: { phoneNumber: '+16505550199', extensionId: '62264425012' },
          status,
          missedCall: false,
          standAlone: false,
          muted: false,
        },
      ],
      origin: { type: 'Call' },
    },
  };
}

describe('parseRingCentralWebhook', () => {
  it('reads a telephony session notification into one event per party, carrying the sequence', () => {
    const events = parseRingCentralWebhook(jsonWebhook(notification({ code: 'Answered' })), context);
    expect(events).toEqual([
      {
        eventId: 'ringcentral:rc-main:5e4d5ac6-1a46-4a26-a5c8-6fd3f8e1f7c1:p-a0d7e1d5c6f0e4d6f8b1e3f0c6d5e4b1-1',
        provider: 'ringcentral',
        accountKey: 'rc-main',
        kind: 'call-status',
        callId: 's-a0d7e1d5c6f0e4d6f8b1e3f0c6d5e4b1',
        partyId: 'p-a0d7e1d5c6f0e4d6f8b1e3f0c6d5e4b1-1',
        status: 'answered',
        sequence: 4,
        from: '+16505550199',
        to: '+16505550100',
        occurredAt: '2025-02-03T10:00:04.401Z',
        raw: notification({ code: 'Answered' }),
      },
    ]);
    expect(contractProblems(events)).toEqual([]);
  });

  it.each<[{ code: string; reason?: string }, string]>([
    [{ code: 'Setup' }, 'initiated'],
    [{ code: 'Proceeding' }, 'ringing'],
    [{ code: 'Answered' }, 'answered'],
    [{ code: 'Hold' }, 'answered'],
    [{ code: 'Disconnected', reason: 'CallFinished' }, 'completed'],
    [{ code: 'Disconnected' }, 'completed'],
    [{ code: 'Gone' }, 'completed'],
    [{ code: 'Disconnected', reason: 'TargetBusy' }, 'busy'],
    [{ code: 'Disconnected', reason: 'NoAnswer' }, 'no-answer'],
    [{ code: 'Disconnected', reason: 'Cancelled' }, 'canceled'],
    [{ code: 'Disconnected', reason: 'InvalidNumber' }, 'failed'],
  ])('maps party status %j to %s', (status, expected) => {
    expect(mapRingCentralPartyStatus(status.code, status.reason)).toBe(expected);
  });

  it('marks a party that reached voicemail as answered by a machine', () => {
    const [event] = parseRingCentralWebhook(jsonWebhook(notification({ code: 'VoiceMail' })), context);
    expect(event).toMatchObject({ status: 'answered', answeredBy: 'machine_start' });
  });

  it('gives the same id to the same notification delivered twice', () => {
    const a = parseRingCentralWebhook(jsonWebhook(notification({ code: 'Proceeding' }, 2)), context);
    const b = parseRingCentralWebhook(jsonWebhook(notification({ code: 'Proceeding' }, 2)), context);
    expect(a[0].eventId).toBe(b[0].eventId);
  });

  it('gives the same notification on another account another id', () => {
    const [ours] = parseRingCentralWebhook(jsonWebhook(notification({ code: 'Proceeding' })), context);
    const [theirs] = parseRingCentralWebhook(jsonWebhook(notification({ code: 'Proceeding' })), {
      ...context,
      accountKey: 'rc-other',
    });
    expect(theirs.eventId).toMatch(/^ringcentral:rc-other:5e4d5ac6-/);
    expect(theirs.eventId).not.toBe(ours.eventId);
  });

  it('reads a subscription renewal reminder as a subscription event', () => {
    const events = parseRingCentralWebhook(
      jsonWebhook({
        uuid: '0a1b2c3d-0000-4000-8000-000000000001',
        event: '/restapi/v1.0/subscription/~?threshold=86400&interval=3600',
        timestamp: '2025-02-09T10:00:00.000Z',
        subscriptionId: 'b3e2d7a8-1c0f-4b6f-9d3e-0f0a6b1c2d3e',
        body: {
          id: 'b3e2d7a8-1c0f-4b6f-9d3e-0f0a6b1c2d3e',
          expirationTime: '2025-02-10T10:00:00.000Z',
          status: 'Active',
        },
      }),
      context,
    );
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'subscription',
        eventId: 'ringcentral:rc-main:0a1b2c3d-0000-4000-8000-000000000001',
      }),
    ]);
    expect(contractProblems(events)).toEqual([]);
  });

  it('ignores event filters it does not handle', () => {
    expect(
      parseRingCentralWebhook(
        jsonWebhook({ uuid: 'u', event: '/restapi/v1.0/account/~/extension/~/message-store', body: {} }),
        context,
      ),
    ).toEqual([]);
  });

  it('refuses a telephony notification without a session id or with an unknown status', () => {
    const broken = notification({ code: 'Answered' });
    broken.body.telephonySessionId = '';
    expect(() => parseRingCentralWebhook(jsonWebhook(broken), context)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => parseRingCentralWebhook(jsonWebhook(notification({ code: 'Levitating' })), context)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
