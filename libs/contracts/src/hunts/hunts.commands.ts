import { IdParamDto } from '../auth/auth.dto';
import { defineCommand } from '../nats/command-descriptor';
import {
  ConfirmHumanDto,
  CreateHuntDto,
  HuntDto,
  HuntListDto,
  LegEventListDto,
  LegEventsRequestDto,
  ListHuntsDto,
} from './hunt.dto';

/**
 * call-orchestrator's hunt commands (queue group `call-orchestrator`), scoped to the caller's org
 * (fleet headers): every role reads, agents (and admins, owners) run hunts. Another org's id answers
 * NOT_FOUND. Public, so other teams start and watch hunts with a credential; the gateway exposes them
 * as `/api/v1/hunts`.
 */
export const HuntCommands = {
  Create: defineCommand({ subject: 'hunts.v1.create', request: CreateHuntDto, response: HuntDto, public: true }),
  Get: defineCommand({ subject: 'hunts.v1.get', request: IdParamDto, response: HuntDto, public: true }),
  List: defineCommand({ subject: 'hunts.v1.list', request: ListHuntsDto, response: HuntListDto, public: true }),
  /** Every leg hung up at once (answered ones completed, ringing ones canceled, pending dials dropped), lines released. */
  Cancel: defineCommand({ subject: 'hunts.v1.cancel', request: IdParamDto, response: HuntDto, public: true }),
  LegEvents: defineCommand({
    subject: 'hunts.v1.leg-events',
    request: LegEventsRequestDto,
    response: LegEventListDto,
    public: true,
  }),
  /**
   * A person's confirmation that the leg is live: it wins the hunt (agents and up). A leg no longer on
   * an answered call, or a hunt already won by another leg, answers CONFLICT.
   */
  ConfirmHuman: defineCommand({
    subject: 'hunts.v1.confirm-human',
    request: ConfirmHumanDto,
    response: HuntDto,
    public: true,
  }),
} as const;
