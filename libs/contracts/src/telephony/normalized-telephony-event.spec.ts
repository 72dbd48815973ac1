import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CallFlowRequestDto } from './call-flow.dto';
import { ingressSubject } from './ingress';
import { NormalizedTelephonyEvent } from './normalized-telephony-event';

function problems(cls: new () => object, plain: object): string[] {
  return validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true }).map(
    (e) => e.property,
  );
}

const callStatus = {
  eventId: 'twilio:CA1:ringing:1',
  provider: 'twilio',
  accountKey: 'acme',
  kind: 'call-status',
  callId: 'CA1',
  status: 'ringing',
  occurredAt: '2025-01-14T17:03:41.000Z',
  raw: { CallSid: 'CA1' },
};

describe('NormalizedTelephonyEvent', () => {
  it('accepts a call status event', () => {
    expect(problems(NormalizedTelephonyEvent, callStatus)).toEqual([]);
  });

  it('requires the call and its status on call events', () => {
    const { callId: _c, status: _s, ...bare } = callStatus;
    expect(problems(NormalizedTelephonyEvent, bare).sort()).toEqual(['callId', 'status']);
  });

  it('requires the recording on recording events and the type on generic ones', () => {
    expect(problems(NormalizedTelephonyEvent, { ...callStatus, kind: 'recording', status: undefined })).toEqual([
      'recording',
    ]);
    expect(
      problems(NormalizedTelephonyEvent, { ...callStatus, kind: 'generic', callId: undefined, status: undefined }),
    ).toEqual(['type']);
  });

  it('refuses statuses and providers outside our vocabulary, and unknown fields', () => {
    expect(problems(NormalizedTelephonyEvent, { ...callStatus, status: 'in-progress' })).toEqual(['status']);
    expect(problems(NormalizedTelephonyEvent, { ...callStatus, provider: 'vonage' })).toEqual(['provider']);
    expect(problems(NormalizedTelephonyEvent, { ...callStatus, extra: 1 })).toEqual(['extra']);
  });

  it('validates the nested recording', () => {
    const recording = { recordingId: 'RE1', url: 'ftp://x', status: 'completed' };
    expect(problems(NormalizedTelephonyEvent, { ...callStatus, kind: 'recording', recording })).toEqual(['recording']);
  });
});

describe('telephony subjects and call flow', () => {
  it('names ingress subjects by provider and kind', () => {
    expect(ingressSubject('twilio', 'call-status')).toBe('ingress.twilio.v1.call-status');
    expect(ingressSubject('ringcentral', 'subscription')).toBe('ingress.ringcentral.v1.subscription');
  });

  it('validates a call-flow request', () => {
    const request = {
      provider: 'twilio',
      accountKey: 'acme',
      callId: 'CA1',
      from: '+1',
      to: '+2',
      params: { Digits: '1' },
    };
    expect(problems(CallFlowRequestDto, request)).toEqual([]);
    expect(problems(CallFlowRequestDto, { ...request, provider: 'x', callId: '' }).sort()).toEqual([
      'callId',
      'provider',
    ]);
  });
});
