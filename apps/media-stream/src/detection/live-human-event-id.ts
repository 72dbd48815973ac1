import { createHash } from 'node:crypto';

/**
 * The id (and `Nats-Msg-Id`) of a stream's live-human event: a UUID (version 5 layout) derived from
 * the call and the provider's stream, so every publish of the one decision (a retry, a re-publish
 * after a lost PubAck) is the same message and JetStream keeps one.
 */
export function liveHumanEventId(callId: string, streamId: string): string {
  const bytes = createHash('sha1').update(`events.media.v1.live-human-detected\n${callId}\n${streamId}`).digest();
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
