/**
 * Why the pipeline refused the bytes of a downloaded recording (the reason a `failed` recording and
 * its event carry). A closed list: alerts and dashboards group by it.
 * - `truncated`: fewer bytes than the declared Content-Length, or the audio stops before its header says;
 * - `length-mismatch`: more bytes than the declared Content-Length;
 * - `too-large`: over the configured maximum size;
 * - `bad-format`: neither RIFF/WAVE nor MPEG audio, or broken inside;
 * - `duration-mismatch`: the audio's duration differs from the provider's.
 */
export const RECORDING_REJECTION_REASONS = [
  'truncated',
  'length-mismatch',
  'too-large',
  'bad-format',
  'duration-mismatch',
] as const;

export type RecordingRejectionReason = (typeof RECORDING_REJECTION_REASONS)[number];
