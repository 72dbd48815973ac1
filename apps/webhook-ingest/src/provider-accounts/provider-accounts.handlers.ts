import {
  CreateProviderAccountDto,
  IdParamDto,
  type ListDto,
  type OkDto,
  ProviderAccountCommands,
  type ProviderAccountCredentialsDto,
  ProviderAccountCredentialsRequestDto,
  type ProviderAccountDto,
} from '@callfleet/contracts';
import { Caller, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { managingOrgId } from './account-manager';
import { ProviderAccountsService } from './provider-accounts.service';

/** Provider accounts of the caller's org (the gateway's /api/v1/provider-accounts). Secrets go in, never out. */
@Controller()
export class ProviderAccountsHandlers {
  constructor(private readonly accounts: ProviderAccountsService) {}

  @Command(ProviderAccountCommands.Create)
  create(@Payload() dto: CreateProviderAccountDto, @Caller('org') caller: OrgCaller): Promise<ProviderAccountDto> {
    return this.accounts.create(managingOrgId(caller), dto);
  }

  @Command(ProviderAccountCommands.List)
  list(@Caller('org') caller: OrgCaller): Promise<ListDto<ProviderAccountDto>> {
    return this.accounts.list(managingOrgId(caller));
  }

  @Command(ProviderAccountCommands.Get)
  get(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<ProviderAccountDto> {
    return this.accounts.get(managingOrgId(caller), params.id);
  }

  /** Fleet only (not public): the recording pipeline downloads and the orchestrator dials with these, for the org in the headers. */
  @Command(ProviderAccountCommands.Credentials)
  credentials(
    @Payload() dto: ProviderAccountCredentialsRequestDto,
    @Caller('org') caller: OrgCaller,
  ): Promise<ProviderAccountCredentialsDto> {
    return this.accounts.credentials(
      caller.orgId,
      dto.id !== undefined ? { id: dto.id } : { accountKey: dto.accountKey ?? '' },
    );
  }

  @Command(ProviderAccountCommands.Delete)
  async delete(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<OkDto> {
    await this.accounts.delete(managingOrgId(caller), params.id);
    return { ok: true };
  }
}
