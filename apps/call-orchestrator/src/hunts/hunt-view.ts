import type { HuntDto, HuntSummaryDto, LegDetectionDto, LegDto } from '@callfleet/contracts';
import type { HuntEntity } from './hunt.entity';
import type { LegRow } from './hunts.repository';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A leg row as the API shows it. */
export function legView(row: LegRow): LegDto {
  return {
    id: row.id,
    lineId: row.line_id,
    attempt: row.attempt,
    status: row.status as LegDto['status'],
    providerCallId: row.provider_call_id,
    startedAt: new Date(row.started_at).toISOString(),
    endedAt: iso(row.ended_at),
    endReason: row.end_reason as LegDto['endReason'],
    detection: (row.detection as LegDetectionDto | null) ?? null,
  };
}

export function huntSummary(hunt: HuntEntity): HuntSummaryDto {
  return {
    id: hunt.id,
    status: hunt.status,
    endReason: hunt.endReason,
    targetId: hunt.targetId,
    phoneNumber: hunt.phoneNumber,
    lineCount: hunt.lineCount,
    winnerLegId: hunt.winnerLegId,
    createdAt: hunt.createdAt.toISOString(),
    endedAt: iso(hunt.endedAt),
  };
}

/** `GET /hunts/:id`: the hunt, its hand-off and every leg. */
export function huntView(hunt: HuntEntity, legs: LegRow[]): HuntDto {
  return {
    ...huntSummary(hunt),
    destinationId: hunt.destinationId,
    providerAccountId: hunt.providerAccountId,
    staggerMs: hunt.staggerMs,
    maxDurationMinutes: hunt.maxDurationMinutes,
    redial: hunt.redial,
    detection: hunt.detection,
    transfer: { status: hunt.transferStatus, attempts: hunt.transferAttempts, connectedAt: iso(hunt.connectedAt) },
    legs: legs.map(legView),
    deadlineAt: hunt.deadlineAt.toISOString(),
  };
}
