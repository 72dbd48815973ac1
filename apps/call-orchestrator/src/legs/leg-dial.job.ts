import { randomUUID } from 'node:crypto';
import { JobHandler } from '@callfleet/persistence';
import { Clock } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import { CallControl } from '../calls/call-control.service';
import { CallHangUps } from '../calls/call-hang-up.job';
import { CallsRepository } from '../calls/calls.repository';
import { HuntMetrics } from '../hunts/hunt.metrics';
import { HuntsRepository } from '../hunts/hunts.repository';
import { LineEntity } from '../lines/line.entity';
import { DIAL_LEG_JOB, type DialLegPayload, LegEndings } from './leg-endings.service';
import { LegsRepository } from './legs.repository';

/**
 * Dials one leg: the job's key is the leg, so however many replicas run, one dial. The call row
 * (with the leg's dial key) commits before the request leaves; an attempt that finds the row already
 * there without the provider's call id cannot know whether its predecessor's request went out, so it
 * never sends another: the leg fails (`dial-failed`) and the line is redialed as a new leg (a call
 * that did go out asks the flow, finds its leg over, and is hung up).
 */
@Injectable()
export class LegDialJob {
  private readonly logger = new Logger('LegDial');

  constructor(
    private readonly dataSource: DataSource,
    private readonly legs: LegsRepository,
    private readonly hunts: HuntsRepository,
    private readonly calls: CallsRepository,
    private readonly control: CallControl,
    private readonly endings: LegEndings,
    private readonly hangUps: CallHangUps,
    private readonly clock: Clock,
    private readonly config: CallOrchestratorConfig,
    private readonly metrics: HuntMetrics,
  ) {}

  // Not transactional: the row must commit before the provider request, and the request is not retried by the job.
  @JobHandler(DIAL_LEG_JOB, { transactional: false, maxAttempts: 3 })
  async dial({ orgId, legId }: DialLegPayload): Promise<undefined> {
    const manager = this.dataSource.manager;
    const leg = await this.legs.get(manager, orgId, legId);
    if (leg?.status !== 'dialing') return this.skipped();
    const hunt = await this.hunts.get(manager, orgId, leg.huntId);
    if (!hunt) return this.skipped();
    if (hunt.status !== 'running') {
      // A redial written just after the hunt's end read its live legs: it ends here instead of dialing.
      await this.dataSource.transaction((tx) =>
        this.endings.end(
          tx,
          orgId,
          legId,
          'ended',
          hunt.status === 'cancelled' || hunt.status === 'exhausted' ? hunt.status : 'lost-race',
          {
            source: 'engine',
            kind: 'hunt-over',
          },
        ),
      );
      return this.skipped();
    }
    if (await this.calls.byDialKey(manager, legId)) {
      await this.failDial(orgId, legId, 'an earlier attempt may have sent the request');
      return undefined;
    }
    const line = await manager.findOneByOrFail(LineEntity, { id: leg.lineId, orgId });
    let account: Awaited<ReturnType<CallControl['accountById']>>;
    try {
      account = await this.control.accountById(orgId, hunt.providerAccountId);
    } catch (error) {
      // Nothing has left yet: the job's retry may ask again.
      this.logger.warn(`leg ${legId}: provider account not available (${String(error)})`);
      throw error;
    }
    const callId = randomUUID();
    const inserted = await this.dataSource.transaction(async (tx) => {
      const fresh = await this.calls.insert(tx, {
        id: callId,
        orgId,
        huntId: hunt.id,
        legId,
        provider: account.provider,
        providerAccountId: account.id,
        accountKey: account.account.accountKey,
        fromNumber: line.number,
        toNumber: hunt.phoneNumber,
        dialKey: legId,
      });
      if (fresh) await this.legs.attachCall(tx, orgId, legId, callId);
      return fresh;
    });
    if (!inserted) return this.skipped();
    const call = await this.calls.byId(manager, callId);
    if (!call) return this.skipped();
    let providerCallId: string;
    try {
      const placed = await this.control.place(call, {
        flowUrl: this.control.flowUrl(call),
        statusCallbackUrl: this.control.statusUrl(call),
        machineDetection: 'DetectMessageEnd',
        amdCallbackUrl: this.control.amdUrl(call),
        ringTimeoutSec: this.config.CALL_RING_TIMEOUT_SEC,
      });
      providerCallId = placed.callId;
    } catch (error) {
      this.metrics.dials.inc({ outcome: 'failed' });
      this.logger.warn(`leg ${legId}: dial failed (${String(error)})`);
      await this.failDial(orgId, legId, String(error), callId);
      return undefined;
    }
    this.metrics.dials.inc({ outcome: 'placed' });
    await this.dataSource.transaction(async (tx) => {
      await this.calls.setProviderCallId(tx, callId, providerCallId);
      // Cancelled (or the hunt won elsewhere) while the request was out: hang the new call up at once.
      const now = await this.legs.get(tx, orgId, legId);
      if (now && (now.status === 'ended' || now.status === 'failed')) {
        await this.hangUps.schedule(tx, callId, this.clock.now());
      }
    });
    return undefined;
  }

  private async failDial(orgId: string, legId: string, why: string, callId?: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      if (callId) await this.calls.markDialFailed(tx, callId, 'dial-failed');
      await this.endings.end(tx, orgId, legId, 'failed', 'dial-failed', {
        source: 'engine',
        kind: 'dial-failed',
        detail: { error: why.slice(0, 500) },
      });
    });
  }

  private skipped(): undefined {
    this.metrics.dials.inc({ outcome: 'skipped' });
    return undefined;
  }
}
