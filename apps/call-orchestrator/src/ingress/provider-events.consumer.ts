import { Streams, TelephonyIngress, type TelephonyIngressEvent } from '@callfleet/contracts';
import { Clock, JetStreamService } from '@callfleet/platform';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CallEntity } from '../calls/call.entity';
import { CallHangUps } from '../calls/call-hang-up.job';
import { CallsRepository } from '../calls/calls.repository';
import { AMD_HUMAN_CONFIDENCE } from '../detection/human-decision';
import { Handoff } from '../handoff/handoff.service';
import { HuntMetrics } from '../hunts/hunt.metrics';
import { HuntWinner } from '../hunts/hunt-winner.service';
import { HuntsRepository } from '../hunts/hunts.repository';
import { IvrRunner } from '../ivr/ivr-runner.service';
import { LegEndings } from '../legs/leg-endings.service';
import { isVoicemail, legOutcomeOfCallStatus } from '../legs/leg-outcome';
import { LegTransitions } from '../legs/leg-transitions.service';
import { LegsRepository } from '../legs/legs.repository';

export const PROVIDER_EVENTS_CONSUMER = 'call-orchestrator-calls';
/** Call events of every provider (status and AMD; recordings are the pipeline's). */
export const CALL_INGRESS_FILTER = 'ingress.*.v1.*';
/** A status callback may beat placeCall's reply; an unknown call is looked for again for this long. */
const UNKNOWN_CALL_RETRY_WINDOW_MS = 60_000;

class CallNotKnownYet extends Error {}

/**
 * Provider events → our calls and legs. Each event is applied under the call's row lock only if it
 * moves the call forward and is newer than the last applied (`callEventApplies`), and only then
 * moves the leg (guarded by `canMoveLeg`): late, out-of-order and repeated callbacks change nothing
 * but the leg's history, which keeps every event with whether it was applied.
 */
@Injectable()
export class ProviderEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly dataSource: DataSource,
    private readonly calls: CallsRepository,
    private readonly legs: LegsRepository,
    private readonly hunts: HuntsRepository,
    private readonly transitions: LegTransitions,
    private readonly endings: LegEndings,
    private readonly ivr: IvrRunner,
    private readonly hangUps: CallHangUps,
    private readonly winner: HuntWinner,
    private readonly handoff: Handoff,
    private readonly clock: Clock,
    private readonly metrics: HuntMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.ensureStream(Streams.INGRESS);
    await this.jetstream.consume({
      event: TelephonyIngress,
      subject: CALL_INGRESS_FILTER,
      durable: PROVIDER_EVENTS_CONSUMER,
      maxDeliver: 8,
      backoffMs: [250, 500, 1_000, 2_000, 5_000, 10_000, 20_000],
      handler: (event) => this.take(event),
    });
  }

  async take(event: TelephonyIngressEvent): Promise<void> {
    const receivedAtMs = this.clock.nowMs();
    if ((event.kind !== 'call-status' && event.kind !== 'amd') || !event.callId) return;
    const found = await this.calls.byProviderCallId(
      this.dataSource.manager,
      event.provider,
      event.accountKey,
      event.callId,
    );
    if (!found || found.orgId !== event.orgId) {
      const recent = this.clock.nowMs() - Date.parse(event.occurredAt) < UNKNOWN_CALL_RETRY_WINDOW_MS;
      // Our dial's reply (with the provider's id) may not be stored yet: JetStream redelivers with backoff.
      if (recent) throw new CallNotKnownYet(`call ${event.callId} not known yet`);
      this.metrics.callEventsIgnored.inc({ why: 'unknown-call' });
      return;
    }
    if (event.kind === 'amd' && event.answeredBy === 'human' && found.legId) {
      await this.humanAnswered(found, event, receivedAtMs);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      if (event.kind === 'call-status') await this.callStatus(manager, found, event);
      else await this.amd(manager, found, event);
    });
  }

  private async callStatus(manager: EntityManager, found: CallEntity, event: TelephonyIngressEvent): Promise<void> {
    const status = event.status;
    if (!status) return;
    const occurredAt = new Date(event.occurredAt);
    const call = await this.calls.applyEvent(manager, found.id, { status, sequence: event.sequence, occurredAt });
    await this.record(manager, found, event, { status, sequence: event.sequence ?? null, applied: call !== null });
    if (!call) {
      this.metrics.callEventsIgnored.inc({ why: 'late-or-repeated' });
      return;
    }
    if (!call.legId) return;
    const leg = await this.legs.get(manager, call.orgId, call.legId);
    const hunt = leg && (await this.hunts.get(manager, leg.orgId, leg.huntId));
    if (!leg || !hunt) return;
    const outcome = legOutcomeOfCallStatus(status, leg.status, hunt.ivrScript.length > 0);
    if (!outcome) return;
    const cause = { source: 'provider' as const, kind: `call-${status}`, at: occurredAt };
    if (outcome.to === 'ended' || outcome.to === 'failed') {
      // The winner hanging up mid hand-off: the hand-off decides (its <Dial action> may say it was connected).
      if (leg.status === 'transferring' && (await this.handoff.winnerCallEnded(manager, leg, hunt))) return;
      await this.endings.end(manager, leg.orgId, leg.id, outcome.to, outcome.reason ?? 'completed', cause);
      return;
    }
    const moved = await this.transitions.move(manager, leg.orgId, leg.id, outcome.to, cause);
    if (moved?.status === 'ivr') await this.ivr.start(manager, moved, hunt.ivrScript);
  }

  /** Answering-machine detection: a voicemail greeting is hung up and the line redialed later. */
  private async amd(manager: EntityManager, call: CallEntity, event: TelephonyIngressEvent): Promise<void> {
    await this.record(manager, call, event, { answeredBy: event.answeredBy ?? null });
    if (!call.legId || !isVoicemail(event.answeredBy)) return;
    const ended = await this.endings.end(manager, call.orgId, call.legId, 'ended', 'voicemail', {
      source: 'provider',
      kind: 'amd-voicemail',
      at: new Date(event.occurredAt),
    });
    if (ended) await this.hangUps.schedule(manager, call.id, this.clock.now());
  }

  /** AMD heard a person: a detection (it counts only where the target answers directly, see decideHuman). */
  private async humanAnswered(call: CallEntity, event: TelephonyIngressEvent, receivedAtMs: number): Promise<void> {
    await this.winner.claim({
      orgId: call.orgId,
      callId: call.id,
      decidedBy: 'amd',
      confidence: AMD_HUMAN_CONFIDENCE,
      signalKey: `amd:${event.eventId}`,
      decidedAtMs: receivedAtMs,
      source: 'provider',
      kind: event.kind,
      at: new Date(event.occurredAt),
      detail: { eventId: event.eventId, answeredBy: event.answeredBy },
    });
  }

  private async record(
    manager: EntityManager,
    call: CallEntity,
    event: TelephonyIngressEvent,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.legs.recordEvent(manager, {
      orgId: call.orgId,
      huntId: call.huntId,
      legId: call.legId,
      callId: call.id,
      source: 'provider',
      kind: event.kind,
      at: new Date(event.occurredAt),
      detail: { eventId: event.eventId, ...detail, ...(event.answeredBy ? { answeredBy: event.answeredBy } : {}) },
    });
  }
}
