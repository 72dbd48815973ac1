import { contractProblems } from '../../test/normalized-event.assertions';
import { jsonWebhook } from '../../test/webhook-requests';
import { parseGenericWebhook } from './generic-webhook.parser';

const context = { accountKey: 'gen', receivedAt: new Date('2025-03-01T12:00:00Z') };
const headers = { 'webhook-id': 'msg_2Lh9KRb0pzN4LePd3XiA4v12Axj', 'webhook-timestamp': '1740830400' };

describe('parseGenericWebhook', () => {
  it('passes the JSON through with its type, keyed by the account and webhook-id', () => {
    const payload = {
      type: 'call.answered',
      timestamp: '2025-03-01T11:59:58.120Z',
      data: { call_id: 'v-77', agent: 'a1' },
    };
    const events = parseGenericWebhook(jsonWebhook(payload, headers), context);
    expect(events).toEqual([
      {
        eventId: 'generic:gen:msg_2Lh9KRb0pzN4LePd3XiA4v12Axj',
        provider: 'generic',
        accountKey: 'gen',
        kind: 'generic',
        type: 'call.answered',
        callId: 'v-77',
        occurredAt: '2025-03-01T11:59:58.120Z',
        raw: payload,
      },
    ]);
    expect(contractProblems(events)).toEqual([]);
  });

  it('gives the same webhook-id on another account another id, so one sender cannot suppress another', () => {
    const payload = { type: 'call.answered', data: {} };
    const [ours] = parseGenericWebhook(jsonWebhook(payload, headers), context);
    const [theirs] = parseGenericWebhook(jsonWebhook(payload, headers), { ...context, accountKey: 'other-gen' });
    expect(theirs.eventId).toBe('generic:other-gen:msg_2Lh9KRb0pzN4LePd3XiA4v12Axj');
    expect(theirs.eventId).not.toBe(ours.eventId);
  });

  it('takes the time from webhook-timestamp when the payload has none', () => {
    const [event] = parseGenericWebhook(jsonWebhook({ type: 'invoice.paid', data: {} }, headers), context);
    expect(event.occurredAt).toBe('2025-03-01T12:00:00.000Z');
    expect(event.callId).toBeUndefined();
    expect(contractProblems([event])).toEqual([]);
  });

  it('refuses a payload without a type, or a delivery without webhook-id', () => {
    expect(() => parseGenericWebhook(jsonWebhook({ data: {} }, headers), context)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => parseGenericWebhook(jsonWebhook({ type: 'x' }), context)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
