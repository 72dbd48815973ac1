import { CallCommands, CallFlowRequestDto, type CallFlowResponseDto, StreamTokenCommands } from '@callfleet/contracts';
import { Command, NatsRpcClient } from '@callfleet/platform';
import { TWIML_CONTENT_TYPE } from '@callfleet/telephony';
import { Controller, Inject, Optional } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import type { CallEntity } from '../calls/call.entity';
import { CallControl, FLOW_CALL_PARAM, isOver, RESUME_PARAM } from '../calls/call-control.service';
import { CallsRepository } from '../calls/calls.repository';
import { isLiveLeg } from '../legs/leg-state';
import { LegsRepository } from '../legs/legs.repository';
import { DIAL_OUTCOME_HANDLER, type DialOutcomeHandler } from './dial-outcome';
import { answerTwiml, connectStreamTwiml, hangUpTwiml, type KeepOpen, keepOpenTwiml } from './flow-twiml';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `calls.v1.flow`: what a call does when the provider asks (webhook-ingest waits on the line with a
 * tight timeout, so only indexed reads here). The first request of an answered call forks its audio
 * to media-stream and holds the line; later ones (after a pause, after digits) hold again; a hand-off's
 * `<Dial action>` outcome goes to the hand-off; a call whose leg is over is hung up. A single call
 * (no leg) forks its audio (`<Start><Stream>`) or connects it both ways (`<Connect><Stream>`) when it
 * asked for a stream, else just holds the line; once over, it is hung up.
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
    const call = await this.find(request, query[FLOW_CALL_PARAM]);
    if (!call) return hangUpTwiml();
    if (request.params.DialCallStatus !== undefined && this.dialOutcomes) {
      return this.dialOutcomes.dialOutcome(call, request.params, query);
    }
    if (call.legId) {
      const leg = await this.legs.get(this.dataSource.manager, call.orgId, call.legId);
      if (!leg || !isLiveLeg(leg.status)) return hangUpTwiml();
    } else if (isOver(call)) {
      return hangUpTwiml();
    }
    const keep: KeepOpen = this.control.keepOpen(call);
    if (query[RESUME_PARAM] === '1') return keepOpenTwiml(keep);
    // A single call without a stream just holds the line (digits and hang-up come by call update).
    if (!call.legId && !call.stream) return keepOpenTwiml(keep);
    const { token } = await this.rpc.call(StreamTokenCommands.Issue, {
      callId: call.id,
      orgId: call.orgId,
      provider: 'twilio',
      ...(call.huntId ? { line: call.toNumber.replace(/[^0-9+]/g, '').slice(0, 64) || undefined } : {}),
    });
    const stream = {
      url: `${this.config.MEDIA_STREAM_PUBLIC_URL}/media/twilio`,
      name: this.config.CALL_STREAM_NAME,
      token,
      callId: call.id,
    };
    return call.stream?.bidirectional ? connectStreamTwiml(stream, keep) : answerTwiml(stream, keep);
  }

  /**
   * Our call, by our id in the URL (the first request may beat placeCall's reply) or by the
   * provider's id; only if the provider, account and call id all agree.
   */
  private async find(request: CallFlowRequestDto, ourId: string | undefined): Promise<CallEntity | null> {
    const manager = this.dataSource.manager;
    if (ourId && UUID.test(ourId)) {
      const call = await this.calls.byId(manager, ourId);
      if (!call || call.provider !== request.provider || call.accountKey !== request.accountKey) return null;
      if (call.providerCallId === null) {
        await this.calls.setProviderCallId(manager, call.id, request.callId);
        call.providerCallId = request.callId;
      }
      return call.providerCallId === request.callId ? call : null;
    }
    return this.calls.byProviderCallId(manager, request.provider, request.accountKey, request.callId);
  }
}
