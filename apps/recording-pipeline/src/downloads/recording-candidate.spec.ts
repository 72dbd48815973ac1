import type { TelephonyIngressEvent } from '@callfleet/contracts';
import { recordingCandidateOf, recordingFormatOf } from './recording-candidate';

const ORG = 'c0a80101-0000-4000-8000-000000000001';

function recordingEvent(overrides: Partial<TelephonyIngressEvent> = {}): TelephonyIngressEvent {
  return {
    eventId: 'twilio:acc:RE1:completed',
    provider: 'twilio',
    accountKey: 'twilio-0123456789abcdef',
    kind: 'recording',
    callId: 'CA1',
    recording: {
      recordingId: 'RE1',
      url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1',
      status: 'completed',
      durationSec: 12,
    },
    occurredAt: '2026-12-01T10:00:00.000Z',
    raw: {},
    orgId: ORG,
    ...overrides,
  };
}

describe('recordingCandidateOf', () => {
  it('reads a completed recording with its ids, URL, format and announced duration', () => {
    expect(recordingCandidateOf(recordingEvent())).toEqual({
      orgId: ORG,
      provider: 'twilio',
      accountKey: 'twilio-0123456789abcdef',
      providerRecordingId: 'RE1',
      providerCallId: 'CA1',
      url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1',
      format: 'wav',
      providerDurationSec: 12,
    });
  });

  it('ignores recordings that are not finished and events of other kinds', () => {
    const base = recordingEvent();
    expect(recordingCandidateOf({ ...base, recording: { ...base.recording!, status: 'in-progress' } })).toBeUndefined();
    expect(recordingCandidateOf({ ...base, recording: { ...base.recording!, status: 'absent' } })).toBeUndefined();
    expect(recordingCandidateOf({ ...base, kind: 'call-status', status: 'completed' })).toBeUndefined();
  });

  it('ignores providers without a recording download', () => {
    expect(recordingCandidateOf(recordingEvent({ provider: 'jambonz' }))).toBeUndefined();
  });
});

describe('recordingFormatOf', () => {
  it('follows the extension of the URL, else the provider’s default', () => {
    expect(recordingFormatOf('exotel', 'https://recordings.exotel.com/a/b.wav')).toBe('wav');
    expect(recordingFormatOf('twilio', 'https://api.twilio.com/x/RE1.mp3')).toBe('mp3');
    expect(recordingFormatOf('exotel', 'https://recordings.exotel.com/a/b')).toBe('mp3');
    expect(recordingFormatOf('ringcentral', 'https://media.ringcentral.com/r/1/content')).toBe('mp3');
    expect(recordingFormatOf('twilio', 'https://api.twilio.com/x/RE1')).toBe('wav');
  });
});
