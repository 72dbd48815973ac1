import {
  ConfirmHumanDto,
  CreateHuntDto,
  HuntCommands,
  type HuntDto,
  type HuntListDto,
  IdParamDto,
  type LegEventListDto,
  LegEventsRequestDto,
  ListHuntsDto,
} from '@callfleet/contracts';
import { Caller, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { HuntCreation } from './hunt-creation.service';
import { HuntWinner } from './hunt-winner.service';
import { HuntsService } from './hunts.service';

/** Hunts of the caller's org (the gateway's /api/v1/hunts): every role reads, agents and up run them. */
@Controller()
export class HuntsHandlers {
  constructor(
    private readonly creation: HuntCreation,
    private readonly hunts: HuntsService,
    private readonly winner: HuntWinner,
  ) {}

  @Command(HuntCommands.Create)
  async create(@Payload() dto: CreateHuntDto, @Caller('org') caller: OrgCaller): Promise<HuntDto> {
    const id = await this.creation.create(caller, dto);
    return this.hunts.get(caller.orgId, id);
  }

  @Command(HuntCommands.Get)
  get(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<HuntDto> {
    return this.hunts.get(caller.orgId, params.id);
  }

  @Command(HuntCommands.List)
  list(@Payload() dto: ListHuntsDto, @Caller('org') caller: OrgCaller): Promise<HuntListDto> {
    return this.hunts.list(caller.orgId, dto);
  }

  @Command(HuntCommands.Cancel)
  cancel(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<HuntDto> {
    return this.hunts.cancel(caller, params.id);
  }

  @Command(HuntCommands.LegEvents)
  legEvents(@Payload() dto: LegEventsRequestDto, @Caller('org') caller: OrgCaller): Promise<LegEventListDto> {
    return this.hunts.legEvents(caller.orgId, dto);
  }

  @Command(HuntCommands.ConfirmHuman)
  confirmHuman(@Payload() dto: ConfirmHumanDto, @Caller('org') caller: OrgCaller): Promise<HuntDto> {
    return this.winner.confirm(caller, dto.id, dto.legId);
  }
}
