import { assertTwilioFields } from './twilio-fields';

const callSid = 'CAe1644a7eed5088b159577c5802d8be38';
const statusCallback = {
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  ApiVersion: '2010-04-01',
  CallSid: callSid,
  CallStatus: 'in-progress',
  CallbackSource: 'call-progress-events',
  Direction: 'outbound-api',
  From: 'client:alice',
  SequenceNumber: '2',
  Timestamp: 'Tue, 14 Jan 2025 17:03:41 +0000',
  AnsweredBy: 'machine_end_beep',
  NewFieldTwilioAddsLater: 'anything at all',
};

describe('assertTwilioFields', () => {
  it('passes what Twilio sends, fields it does not document included', () => {
    expect(() => assertTwilioFields(statusCallback)).not.toThrow();
    expect(() => assertTwilioFields({ ...statusCallback, SequenceNumber: 2, CallDuration: 42 })).not.toThrow();
    expect(() => assertTwilioFields({ ...statusCallback, Timestamp: 'Mon, 3 Feb 2025 01:02:03 -0500' })).not.toThrow();
  });

  it('reads an empty value as absent, except the call id', () => {
    expect(() => assertTwilioFields({ ...statusCallback, ParentCallSid: '', ErrorCode: '' })).not.toThrow();
    expect(() => assertTwilioFields({ ...statusCallback, CallSid: '' })).toThrow('Twilio CallSid must be');
  });

  it.each([
    ['CallSid', 'CA0123'],
    ['CallSid', `${callSid}0`],
    ['AccountSid', 'AC0123456789ABCDEF0123456789ABCDEF'],
    ['RecordingSid', 'RE1'],
    ['CallStatus', 'answered'],
    ['RecordingStatus', 'done'],
    ['Direction', 'sideways'],
    ['SequenceNumber', '1Timestamp'],
    ['CallDuration', '4.2'],
    ['Timestamp', 'Tue, 14 Jan 2025 17:03:41 GMT'],
    ['Timestamp', 'Xyz, 14 Jan 2025 17:03:41 +0000'],
    ['ApiVersion', 'v1'],
    ['AnsweredBy', 'Human'],
  ])('refuses a %s of %j with a 400 that does not echo it', (name, value) => {
    const check = () => assertTwilioFields({ ...statusCallback, [name]: value });
    expect(check).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining(name) }));
    expect(check).toThrow(expect.objectContaining({ message: expect.not.stringContaining(value) }));
  });

  it('refuses a documented field sent twice, or as something other than text', () => {
    expect(() => assertTwilioFields({ ...statusCallback, CallSid: [callSid, callSid] })).toThrow('CallSid');
    expect(() => assertTwilioFields({ ...statusCallback, SequenceNumber: { n: 1 } })).toThrow('SequenceNumber');
  });
});
