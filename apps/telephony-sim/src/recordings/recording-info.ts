/** A call's recording as the provider describes it. */
export interface RecordingInfo {
  sid: string;
  status: 'in-progress' | 'completed' | 'absent' | 'failed';
  /** Download URL without extension (Twilio serves `.wav` and `.mp3` below it). */
  url: string;
  durationSeconds: number;
  channels: 1;
  startedAt: string;
}
