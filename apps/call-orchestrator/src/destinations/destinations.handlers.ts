import {
  CreateDestinationDto,
  DestinationCommands,
  type DestinationDto,
  type DestinationListDto,
  IdParamDto,
  ListDestinationsDto,
  type OkDto,
  UpdateDestinationDto,
} from '@callfleet/contracts';
import { Caller, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { DestinationsService } from './destinations.service';

/** Destinations of the caller's org (the gateway's /api/v1/destinations); another org's id is NOT_FOUND. */
@Controller()
export class DestinationsHandlers {
  constructor(private readonly destinations: DestinationsService) {}

  @Command(DestinationCommands.Create)
  create(@Payload() dto: CreateDestinationDto, @Caller('org') caller: OrgCaller): Promise<DestinationDto> {
    return this.destinations.create(caller, dto);
  }

  @Command(DestinationCommands.List)
  list(@Payload() dto: ListDestinationsDto, @Caller('org') caller: OrgCaller): Promise<DestinationListDto> {
    return this.destinations.list(caller.orgId, dto);
  }

  @Command(DestinationCommands.Get)
  get(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<DestinationDto> {
    return this.destinations.get(caller.orgId, params.id);
  }

  @Command(DestinationCommands.Update)
  update(@Payload() dto: UpdateDestinationDto, @Caller('org') caller: OrgCaller): Promise<DestinationDto> {
    return this.destinations.update(caller, dto);
  }

  @Command(DestinationCommands.Delete)
  async delete(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<OkDto> {
    await this.destinations.delete(caller, params.id);
    return { ok: true };
  }
}
