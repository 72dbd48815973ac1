import { randomUUID } from 'node:crypto';
import {
  type CreateHuntDto,
  HUNT_DEFAULT_DETECTION,
  HUNT_DEFAULT_LINES,
  HUNT_DEFAULT_MAX_DURATION_MINUTES,
  HUNT_DEFAULT_REDIAL,
  HUNT_DEFAULT_STAGGER_MS,
  HuntEventSubjects,
  Role,
} from '@callfleet/contracts';
import { JobScheduler } from '@callfleet/persistence';
import { Clock, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import { CallControl } from '../calls/call-control.service';
import { DestinationsService } from '../destinations/destinations.service';
import { LegEndings } from '../legs/leg-endings.service';
import { LegTransitions } from '../legs/leg-transitions.service';
import { LegsRepository } from '../legs/legs.repository';
import { LineLeases } from '../lines/line-leases.repository';
import { TargetsService } from '../targets/targets.service';
import { HuntMetrics } from './hunt.metrics';
import { HUNT_DEADLINE_JOB, huntDeadlineKey } from './hunt-ending.service';
import { HuntEvents } from './hunt-events.outbox';
import { HuntsRepository } from './hunts.repository';

/** Who may start and stop hunts. */
export const HUNT_RUNNER_ROLES = [Role.OWNER, Role.ADMIN, Role.AGENT];

/**
 * Starts a hunt in one transaction: its target and destination resolved, its lines leased (all or
 * none), the hunt and one leg per line written, each leg's dial scheduled `staggerMs` after the one
 * before (durable jobs, one per leg), the deadline timer, and `events.hunts.v1.created`.
 */
@Injectable()
export class HuntCreation {
  private readonly logger = new Logger('HuntCreation');

  constructor(
    private readonly dataSource: DataSource,
    private readonly targets: TargetsService,
    private readonly destinations: DestinationsService,
    private readonly control: CallControl,
    private readonly hunts: HuntsRepository,
    private readonly legs: LegsRepository,
    private readonly transitions: LegTransitions,
    private readonly leases: LineLeases,
    private readonly endings: LegEndings,
    private readonly scheduler: JobScheduler,
    private readonly events: HuntEvents,
    private readonly clock: Clock,
    private readonly config: CallOrchestratorConfig,
    private readonly metrics: HuntMetrics,
  ) {}

  /** The new hunt's id. */
  async create(caller: OrgCaller, dto: CreateHuntDto): Promise<string> {
    requireRole(caller, HUNT_RUNNER_ROLES);
    const { orgId } = caller;
    const target = dto.targetId ? await this.targets.get(orgId, dto.targetId) : null;
    const destination = await this.destinations.resolve(orgId, dto.destinationId);
    // Another org's account is NOT_FOUND here rather than "no free line" later.
    if (dto.providerAccountId) await this.control.accountById(orgId, dto.providerAccountId);
    const { id: destinationId, ...destinationSpec } = destination;
    const count = dto.lineIds?.length ?? dto.lines ?? target?.recommendedLines ?? HUNT_DEFAULT_LINES;
    const staggerMs = dto.staggerMs ?? HUNT_DEFAULT_STAGGER_MS;
    const maxDurationMinutes = dto.maxDurationMinutes ?? HUNT_DEFAULT_MAX_DURATION_MINUTES;
    const now = this.clock.now();
    const deadline = new Date(now.getTime() + maxDurationMinutes * 60_000);
    const huntId = randomUUID();

    await this.dataSource.transaction(async (manager) => {
      const lines = await this.leases.leaseForHunt(
        manager,
        orgId,
        huntId,
        { count, lineIds: dto.lineIds, pool: dto.pool, providerAccountId: dto.providerAccountId },
        new Date(deadline.getTime() + this.config.LINE_LEASE_GRACE_MS),
      );
      await this.hunts.insert(manager, {
        id: huntId,
        orgId,
        targetId: target?.id ?? null,
        phoneNumber: target?.phoneNumber ?? dto.phoneNumber ?? '',
        ivrScript: dto.ivrScript ?? target?.ivrScript ?? [],
        destinationId,
        destination: destinationSpec,
        providerAccountId: lines[0].providerAccountId,
        lineCount: lines.length,
        staggerMs,
        maxDurationMinutes,
        redial: dto.redial ?? HUNT_DEFAULT_REDIAL,
        detection: { ...HUNT_DEFAULT_DETECTION, ...definedFields(dto.detection) },
        status: 'running',
        endReason: null,
        winnerLegId: null,
        winnerFence: null,
        wonAt: null,
        transferStatus: null,
        transferAttempts: 0,
        connectedAt: null,
        createdBy: caller.userId ?? null,
        deadlineAt: deadline,
        createdAt: now,
        endedAt: null,
      });
      const legIds = lines.map(() => randomUUID());
      // The hunt's first event, before its legs' (one outbox order per hunt: a reader sees it first).
      await this.events.publish(manager, orgId, {
        subject: HuntEventSubjects.CREATED,
        data: { huntId, targetId: target?.id ?? null, lineCount: lines.length, legIds },
      });
      for (const [i, line] of lines.entries()) {
        const legId = legIds[i];
        const dialAt = new Date(now.getTime() + i * staggerMs);
        await this.leases.assignLeg(manager, orgId, line.id, huntId, legId);
        const leg = await this.legs.insert(manager, {
          id: legId,
          orgId,
          huntId,
          lineId: line.id,
          attempt: 1,
          startedAt: dialAt,
        });
        await this.transitions.created(manager, leg, { source: 'engine', kind: 'leg-created' });
        await this.endings.scheduleDial(manager, orgId, legId, dialAt);
      }
      await this.scheduler.schedule(
        HUNT_DEADLINE_JOB,
        deadline,
        { orgId, huntId },
        { key: huntDeadlineKey(huntId), manager },
      );
    });
    this.metrics.huntsCreated.inc();
    this.logger.log({ msg: 'hunt created', huntId, lines: count });
    return huntId;
  }
}

/** The fields of `value` that are set (a JSON `undefined` never overrides a default). */
function definedFields<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
