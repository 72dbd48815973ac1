import {
  CreateTargetDto,
  IdParamDto,
  ListTargetsDto,
  type OkDto,
  TargetCommands,
  type TargetDto,
  type TargetListDto,
  type TargetStatsDto,
  TargetStatsRequestDto,
  UpdateTargetDto,
} from '@callfleet/contracts';
import { Caller, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TargetsService, toTargetDto } from './targets.service';

/** Targets of the caller's org and their stats (the gateway's /api/v1/targets); another org's id is NOT_FOUND. */
@Controller()
export class TargetsHandlers {
  constructor(private readonly targets: TargetsService) {}

  @Command(TargetCommands.Create)
  create(@Payload() dto: CreateTargetDto, @Caller('org') caller: OrgCaller): Promise<TargetDto> {
    return this.targets.create(caller, dto);
  }

  @Command(TargetCommands.List)
  list(@Payload() dto: ListTargetsDto, @Caller('org') caller: OrgCaller): Promise<TargetListDto> {
    return this.targets.list(caller.orgId, dto);
  }

  @Command(TargetCommands.Get)
  async get(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<TargetDto> {
    return toTargetDto(await this.targets.get(caller.orgId, params.id));
  }

  @Command(TargetCommands.Update)
  update(@Payload() dto: UpdateTargetDto, @Caller('org') caller: OrgCaller): Promise<TargetDto> {
    return this.targets.update(caller, dto);
  }

  @Command(TargetCommands.Delete)
  async delete(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<OkDto> {
    await this.targets.delete(caller, params.id);
    return { ok: true };
  }

  @Command(TargetCommands.Stats)
  stats(@Payload() dto: TargetStatsRequestDto, @Caller('org') caller: OrgCaller): Promise<TargetStatsDto> {
    return this.targets.targetStats(caller.orgId, dto);
  }
}
