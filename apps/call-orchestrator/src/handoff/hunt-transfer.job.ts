/**
 * The seam between a hunt's win and its hand-off. The win (hunts/hunt-winner.*) schedules this job in
 * the transaction of the hunt's one conditional write; the hand-off (handoff/) runs it. The key holds the
 * fence, so a redelivered or repeated win never schedules a second transfer, and a transfer whose fence
 * is not the hunt's current one does nothing at the provider.
 */
export const HUNT_TRANSFER_JOB = 'orchestrator.hunt-transfer';
export const huntTransferKey = (huntId: string, fence: number) => `transfer:${huntId}:${fence}`;

export interface HuntTransferPayload {
  orgId: string;
  huntId: string;
  legId: string;
  /** The hunt's `winner_fence` at the win. */
  fence: number;
  /** When the deciding signal reached the orchestrator (epoch ms): the start of the transfer latency. */
  decidedAtMs: number;
}
