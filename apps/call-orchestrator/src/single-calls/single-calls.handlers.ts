import {
  CallCommands,
  CallDigitsDto,
  type CallDto,
  type CallListDto,
  CreateCallDto,
  IdParamDto,
  ListCallsDto,
} from '@callfleet/contracts';
import { Caller, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { SingleCallsService } from './single-calls.service';

/** Calls of the caller's org (the gateway's /api/v1/calls): every role reads, agents and up place and control them. */
@Controller()
export class SingleCallsHandlers {
  constructor(private readonly calls: SingleCallsService) {}

  @Command(CallCommands.Create)
  create(@Payload() dto: CreateCallDto, @Caller('org') caller: OrgCaller): Promise<CallDto> {
    return this.calls.create(caller, dto);
  }

  @Command(CallCommands.Get)
  get(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<CallDto> {
    return this.calls.get(caller.orgId, params.id);
  }

  @Command(CallCommands.List)
  list(@Payload() dto: ListCallsDto, @Caller('org') caller: OrgCaller): Promise<CallListDto> {
    return this.calls.list(caller.orgId, dto);
  }

  @Command(CallCommands.Hangup)
  hangUp(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<CallDto> {
    return this.calls.hangUp(caller, params.id);
  }

  @Command(CallCommands.Digits)
  digits(@Payload() dto: CallDigitsDto, @Caller('org') caller: OrgCaller): Promise<CallDto> {
    return this.calls.digits(caller, dto.id, dto.digits);
  }
}
