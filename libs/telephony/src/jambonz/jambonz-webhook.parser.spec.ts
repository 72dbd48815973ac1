import { contractProblems } from '../../test/normalized-event.assertions';
import { jsonWebhook } from '../../test/webhook-requests';
import { parseJambonzWebhook } from './jambonz-webhook.parser';

const context = { accountKey: 'jz', receivedAt: new Date('2025-03-01T12:00:00Z') };
const callStatus = {
  call_sid: 'b5e39996-bd2f-4bda-b928-355147186a2a',
  direction: 'outbound',
  from: '+441173185201',
  to: '+441303763875',
  call_id: '7ade3efb-7163-123b-e6ba-023fd61c5256',
  sip_status: 200,
  sip_reason: 'OK',
  call_status: 'in-progress',
  account_sid: '300be250-5a79-46bd-8393-45e7d26c2e34',
  trace_id: '654c5323d6f907233a1069136b8a330e',
  application_sid: '33b259c1-303d-486a-a8dd-61fa6bf3e2a7',
};

describe('parseJambonzWebhook', () => {
  it('reads a call status webhook', () => {
    const events = parseJambonzWebhook(jsonWebhook(callStatus), context);
    expect(events).toEqual([
      expect.objectContaining({
        provider: 'jambonz',
        kind: 'call-status',
        callId: 'b5e39996-bd2f-4bda-b928-355147186a2a',
        status: 'answered',
        from: '+441173185201',
        to: '+441303763875',
        occurredAt: '2025-03-01T12:00:00.000Z',
      }),
    ]);
    expect(contractProblems(events)).toEqual([]);
  });

  it.each([
    ['trying', 'initiated'],
    ['ringing', 'ringing'],
    ['early-media', 'ringing'],
    ['completed', 'completed'],
    ['busy', 'busy'],
    ['no-answer', 'no-answer'],
    ['failed', 'failed'],
  ])('maps call_status %s to %s', (jambonzStatus, status) => {
    expect(parseJambonzWebhook(jsonWebhook({ ...callStatus, call_status: jambonzStatus }), context)[0].status).toBe(
      status,
    );
  });

  it.each([
    ['amd_human_detected', 'human'],
    ['amd_machine_detected', 'machine_start'],
    ['amd_machine_stopped_speaking', 'machine_end_other'],
    ['amd_tone_detected', 'machine_end_beep'],
    ['amd_no_speech_detected', 'unknown'],
  ])('reads AMD event %s as answeredBy %s', (type, answeredBy) => {
    const events = parseJambonzWebhook(
      jsonWebhook({ ...callStatus, type, reason: 'greeting', greeting: 'hello' }),
      context,
    );
    expect(events).toEqual([expect.objectContaining({ kind: 'amd', status: 'answered', answeredBy })]);
    expect(contractProblems(events)).toEqual([]);
  });

  it('refuses form bodies and unknown statuses', () => {
    const form = { ...jsonWebhook(callStatus), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    expect(() => parseJambonzWebhook(form, context)).toThrow(expect.objectContaining({ status: 415 }));
    expect(() => parseJambonzWebhook(jsonWebhook({ ...callStatus, call_status: 'melted' }), context)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
