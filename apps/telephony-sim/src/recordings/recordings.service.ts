import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SimCall } from '../calls/sim-call';
import { TelephonySimConfig } from '../telephony-sim.config';
import { type AudioClip, type ClipName, findFixturesDir, loadClips } from './audio-clips';
import {
  type AudioSegment,
  composeMp3,
  composeWavStream,
  padToSeconds,
  recordingSeconds,
  wavBytes,
} from './recording-composer';
import type { RecordingInfo } from './recording-info';

export interface StoredRecording {
  info: RecordingInfo;
  accountSid: string;
  callSid: string;
  segments: AudioSegment[];
  mp3?: Buffer;
}

/** A recording file as it is sent: its size up front, then its bytes piece by piece. */
export interface RecordingFile {
  bytes: number;
  chunks(): Iterable<Buffer>;
}

/**
 * Recordings of finished calls, made of fixture audio. A WAV is composed as it is sent (recordings
 * of SIM_RECORDING_MIN_SECONDS can be large: none is held whole); an MP3 is built on first download.
 */
@Injectable()
export class RecordingsService {
  readonly clips: ReadonlyMap<ClipName, AudioClip>;
  private readonly recordings = new Map<string, StoredRecording>();

  constructor(private readonly config: TelephonySimConfig) {
    this.clips = loadClips(findFixturesDir(config.SIM_FIXTURES_DIR));
  }

  create(call: SimCall, played: AudioSegment[], startedAt: string): RecordingInfo {
    const segments = padToSeconds(played, this.config.SIM_RECORDING_MIN_SECONDS);
    const sid = `RE${randomBytes(16).toString('hex')}`;
    const info: RecordingInfo = {
      sid,
      status: 'completed',
      url: recordingUrl(call, sid),
      durationSeconds: Math.round(recordingSeconds(segments, this.config.SIM_RECORDING_MAX_SECONDS)),
      channels: 1,
      startedAt,
    };
    this.recordings.set(sid, { info, accountSid: call.accountSid, callSid: call.sid, segments });
    return info;
  }

  /** The recording, only when it belongs to the account asking. */
  find(accountSid: string, sid: string): StoredRecording | undefined {
    const recording = this.recordings.get(sid);
    return recording?.accountSid === accountSid ? recording : undefined;
  }

  /** Twilio's `DELETE …/Recordings/{sid}`: the media is gone for good; false when there was none. */
  delete(accountSid: string, sid: string): boolean {
    return this.find(accountSid, sid) !== undefined && this.recordings.delete(sid);
  }

  file(recording: StoredRecording, format: 'wav' | 'mp3'): RecordingFile {
    const max = this.config.SIM_RECORDING_MAX_SECONDS;
    if (format === 'wav') {
      return {
        bytes: wavBytes(recording.segments, max),
        chunks: () => composeWavStream(recording.segments, this.clips, max, 64 * 1024),
      };
    }
    recording.mp3 ??= composeMp3(recording.segments, this.clips, max);
    const mp3 = recording.mp3;
    return { bytes: mp3.length, chunks: () => [mp3] };
  }

  reset(): void {
    this.recordings.clear();
  }
}

/** Where each provider serves a recording (Twilio: the resource URL, without an extension). */
function recordingUrl(call: SimCall, sid: string): string {
  const base = call.providerBaseUrl;
  switch (call.flavour) {
    case 'twilio':
      return `${base}/2010-04-01/Accounts/${call.accountSid}/Recordings/${sid}`;
    case 'exotel':
      return `${base}/exotel/recordings/${call.accountSid}/${sid}.mp3`;
    case 'ringcentral':
      return `${base}/restapi/v1.0/account/${call.accountSid}/recording/${sid}/content`;
  }
}
