import { CallCommands, CallFlowRequestDto, type CallFlowResponseDto, StreamTokenCommands } from '@callfleet/contracts';
import { Command, NatsRpcClient } from '@callfleet/platform';
import { TWIML_CONTENT_TYPE } from '@callfleet/telephony';
import { Controller, Inject, Optional } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import type { CallEntity } from '../calls/call.entity';
import { CallControl, FLOW_CALL_PARAM } from '../calls/call-control.service';
import { CallsRepository } from '../calls/calls.repository';
import { isLiveLeg } from '../legs/leg-state';
import { LegsRepository } from '../legs/legs.repository';
import { DIAL_OUTCOME_HANDLER, type DialOutcomeHandler, HANDOFF_QUERY_PARAM } from './dial-outcome';
import { answerTwiml, hangUpTwiml, type KeepOpen, keepOpenTwiml } from './flow-twiml';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The query flag of every flow request after the first: the stream runs already, just hold. */
export const RESUME_PARAM = 'resume';

/**
 * `calls.v1.flow`: what a call does when the provider asks (webhook-ingest waits on the line with a
 * tight timeout, so only indexed reads here). The first request of an answered call forks its audio
 * to media-stream and holds the line; later ones (after a pause, after digits) hold again; a hand-off's
 * requests (its start, its `<Dial action>` outcomes) go to the hand-off; a call whose leg is over is hung up.
 */
@Controller()
export class CallFlowHandlers {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calls: CallsRepository,
    private readonly legs: LegsRepository,
    private readonly control: CallControl,
    private readonly rpc: NatsRpcClient,
    private readonly config: CallOrchestratorConfig,
    @Optional() @Inject(DIAL_OUTCOME_HANDLER) private readonly dialOutcomes?: DialOutcomeHandler,
  ) {}

  @Command(CallCommands.Flow)
  async flow(@Payload() request: CallFlowRequestDto): Promise<CallFlowResponseDto> {
    return { contentType: TWIML_CONTENT_TYPE, body: await this.instructions(request) };
  }

  private async instructions(request: CallFlowRequestDto): Promise<string> {
    const query = request.query ?? {};
    const call = await this.find(request, query);
    if (!call) return hangUpTwiml();
    const handoff = request.params.DialCallStatus !== undefined || query[HANDOFF_QUERY_PARAM] !== undefined;
    if (handoff && this.dialOutcomes) {
      return this.dialOutcomes.dialOutcome(call, request.params, query);
    }
    if (call.legId) {
      const leg = await this.legs.get(this.dataSource.manager, call.orgId, call.legId);
      if (!leg || !isLiveLeg(leg.status)) return hangUpTwiml();
    }
    const keep: KeepOpen = {
      pauseSec: this.config.CALL_KEEP_OPEN_PAUSE_SEC,
      resumeUrl: this.control.flowUrl(call, { [RESUME_PARAM]: '1' }),
    };
    if (query[RESUME_PARAM] === '1') return keepOpenTwiml(keep);
    const { token } = await this.rpc.call(StreamTokenCommands.Issue, {
      callId: call.id,
      orgId: call.orgId,
      provider: 'twilio',
      ...(call.huntId ? { line: call.toNumber.replace(/[^0-9+]/g, '').slice(0, 64) || undefined } : {}),
    });
    return answerTwiml(
      {
        url: `${this.config.MEDIA_STREAM_PUBLIC_URL}/media/twilio`,
        name: this.config.CALL_STREAM_NAME,
        token,
        callId: call.id,
      },
      keep,
    );
  }

  /**
   * Our call, by our id in the URL (the first request may beat placeCall's reply) or by the
   * provider's id; only if the provider, account and call id (or, for a hand-off's dialed leg, its
   * parent's) all agree.
   */
  private async find(request: CallFlowRequestDto, query: Record<string, string>): Promise<CallEntity | null> {
    const manager = this.dataSource.manager;
    const ourId = query[FLOW_CALL_PARAM];
    if (ourId && UUID.test(ourId)) {
      const call = await this.calls.byId(manager, ourId);
      if (!call || call.provider !== request.provider || call.accountKey !== request.accountKey) return null;
      if (call.providerCallId === null && request.params.ParentCallSid === undefined) {
        await this.calls.setProviderCallId(manager, call.id, request.callId);
        call.providerCallId = request.callId;
      }
      if (call.providerCallId === request.callId) return call;
      // A hand-off's destination answering (`<Number url>`) asks as its own, dialed call, whose parent is ours.
      const parent = request.params.ParentCallSid;
      return query[HANDOFF_QUERY_PARAM] !== undefined && parent !== undefined && parent === call.providerCallId
        ? call
        : null;
    }
    return this.calls.byProviderCallId(manager, request.provider, request.accountKey, request.callId);
  }
}
