import { randomUUID } from 'node:crypto';
import {
  type CallDto,
  CallEventSubjects,
  type CallListDto,
  type CreateCallDto,
  ErrorCode,
  type ListCallsDto,
  Role,
} from '@callfleet/contracts';
import { toPage } from '@callfleet/persistence';
import { AppException, Clock, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { digitsThenFlowTwiml, digitsTwiml } from '../call-flow/flow-twiml';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import { CallEntity } from '../calls/call.entity';
import { CallControl } from '../calls/call-control.service';
import { CallEvents } from '../calls/call-events.outbox';
import { CallHangUps } from '../calls/call-hang-up.job';
import { CallsRepository } from '../calls/calls.repository';
import { LineLeases } from '../lines/line-leases.repository';
import { SingleCallMetrics } from './single-call.metrics';
import { type CallAction, callActionRefusal } from './single-call-actions';
import { SingleCallDialJob } from './single-call-dial.job';
import { SingleCallLifecycle } from './single-call-lifecycle.service';
import { callView } from './single-call-view';

/** Who places calls, hangs them up and sends digits: those who run hunts (viewers only watch). */
export const CALL_PLACER_ROLES = [Role.OWNER, Role.ADMIN, Role.AGENT];
const DEFAULT_PAGE = 50;

/**
 * Single outbound calls of the caller's org on the calls model: placed (row, line lease, dial job and
 * `events.calls.v1.created` in one transaction), read, hung up and sent digits. Another org's id is
 * NOT_FOUND; a call already over (or a hunt's) answers 409 to hang-up and digits.
 */
@Injectable()
export class SingleCallsService {
  private readonly logger = new Logger('SingleCalls');

  constructor(
    private readonly dataSource: DataSource,
    private readonly calls: CallsRepository,
    private readonly control: CallControl,
    private readonly leases: LineLeases,
    private readonly dials: SingleCallDialJob,
    private readonly hangUps: CallHangUps,
    private readonly lifecycle: SingleCallLifecycle,
    private readonly events: CallEvents,
    private readonly clock: Clock,
    private readonly config: CallOrchestratorConfig,
    private readonly metrics: SingleCallMetrics,
  ) {}

  async create(caller: OrgCaller, dto: CreateCallDto): Promise<CallDto> {
    requireRole(caller, CALL_PLACER_ROLES);
    const { orgId } = caller;
    // The account is opened before the lease's transaction (a NATS request): another org's is NOT_FOUND.
    const accountId =
      dto.providerAccountId ?? (await this.leases.accountForCall(this.dataSource.manager, orgId, dto.lineId));
    const account = await this.control.accountById(orgId, accountId);
    const callId = randomUUID();
    const now = this.clock.now();
    const leaseUntil = new Date(
      now.getTime() +
        (this.config.SINGLE_CALL_MAX_DURATION_SEC + this.config.CALL_RING_TIMEOUT_SEC) * 1000 +
        this.config.LINE_LEASE_GRACE_MS,
    );
    await this.dataSource.transaction(async (manager) => {
      const line = await this.leases.leaseForCall(
        manager,
        orgId,
        callId,
        { lineId: dto.lineId, providerAccountId: account.id },
        leaseUntil,
      );
      if (line.providerAccountId !== account.id) {
        throw new AppException(ErrorCode.VALIDATION_ERROR, 'The line is not of the provider account named');
      }
      await this.calls.insert(manager, {
        id: callId,
        orgId,
        huntId: null,
        legId: null,
        lineId: line.id,
        provider: account.provider,
        providerAccountId: account.id,
        accountKey: account.account.accountKey,
        fromNumber: line.number,
        toNumber: dto.to,
        dialKey: callId,
        record: dto.record ?? false,
        stream: dto.stream ? { bidirectional: dto.stream.bidirectional } : null,
      });
      await this.dials.schedule(manager, callId, now);
      await this.events.publish(manager, orgId, {
        subject: CallEventSubjects.CREATED,
        data: {
          callId,
          to: dto.to,
          from: line.number,
          lineId: line.id,
          record: dto.record ?? false,
          stream: dto.stream !== undefined,
          bidirectional: dto.stream?.bidirectional ?? false,
        },
      });
    });
    this.metrics.created.inc();
    this.logger.log({ msg: 'call created', callId });
    return this.get(orgId, callId);
  }

  async get(orgId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<CallDto> {
    return callView(await this.found(manager, orgId, id));
  }

  async list(orgId: string, query: ListCallsDto): Promise<CallListDto> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.calls.page(this.dataSource.manager, orgId, query, limit);
    return toPage(rows, limit, callView);
  }

  /**
   * A call not yet dialed is canceled at once (its dial never leaves); any other is hung up at the
   * provider by a durable job after the commit (answered → completed, ringing → canceled), and ends
   * when the provider says so.
   */
  async hangUp(caller: OrgCaller, id: string): Promise<CallDto> {
    requireRole(caller, CALL_PLACER_ROLES);
    return this.dataSource.transaction(async (manager) => {
      const call = await this.lockedFor(manager, caller.orgId, id, 'hangup');
      if (await this.calls.cancelUndialed(manager, caller.orgId, id, 'hung-up')) {
        await this.lifecycle.moved(manager, await this.found(manager, caller.orgId, id), call.status);
      } else {
        await this.calls.noteEndReason(manager, id, 'hung-up');
        await this.hangUps.schedule(manager, id, this.clock.now());
      }
      return this.get(caller.orgId, id, manager);
    });
  }

  /**
   * DTMF to the far end by a call update (`<Play digits>`, the digits checked against
   * IVR_DIGITS_PATTERN again and escaped). A fork (`<Start><Stream>`) outlives the update; a
   * bidirectional `<Connect><Stream>` does not, so such a call goes back to the flow after the digits
   * and its stream is connected anew.
   */
  async digits(caller: OrgCaller, id: string, digits: string): Promise<CallDto> {
    requireRole(caller, CALL_PLACER_ROLES);
    const call = await this.found(this.dataSource.manager, caller.orgId, id);
    this.refuse(call, 'digits');
    const twiml = call.stream?.bidirectional
      ? digitsThenFlowTwiml(digits, this.control.flowUrl(call))
      : digitsTwiml(digits, this.control.keepOpen(call));
    await this.control.updateInstructions(call, twiml);
    this.metrics.digitsSent.inc();
    return callView(call);
  }

  private async found(manager: EntityManager, orgId: string, id: string): Promise<CallEntity> {
    const call = await this.calls.get(manager, orgId, id);
    if (!call) throw new AppException(ErrorCode.NOT_FOUND, 'Call not found');
    return call;
  }

  /** The call under its row lock (provider events wait), if `action` may be done to it. */
  private async lockedFor(manager: EntityManager, orgId: string, id: string, action: CallAction): Promise<CallEntity> {
    const call = await manager.findOne(CallEntity, { where: { id, orgId }, lock: { mode: 'pessimistic_write' } });
    if (!call) throw new AppException(ErrorCode.NOT_FOUND, 'Call not found');
    this.refuse(call, action);
    return call;
  }

  private refuse(call: CallEntity, action: CallAction): void {
    const refusal = callActionRefusal(call, action);
    if (refusal) throw new AppException(ErrorCode.STATE_CONFLICT, refusal, { status: call.status });
  }
}
