import type { MediaSignal } from '@callfleet/contracts';
import type { DetectorOutput } from '@callfleet/detection';

/** A detector output as the call's signal: the detector's own fields, with the call it is about. */
export function signalOf(callId: string, output: DetectorOutput): MediaSignal {
  switch (output.kind) {
    case 'repeat':
      return {
        callId,
        atMs: output.atMs,
        kind: 'repeat',
        of: output.of,
        scope: output.scope,
        confidence: output.confidence,
      };
    case 'live-human':
      return {
        callId,
        atMs: output.atMs,
        kind: 'live-human',
        confidence: output.confidence,
        evidence: [...output.evidence],
      };
    default:
      return { callId, atMs: output.atMs, kind: output.kind, confidence: output.confidence };
  }
}
