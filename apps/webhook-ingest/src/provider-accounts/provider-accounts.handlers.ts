import {
  CreateProviderAccountDto,
  IdParamDto,
  type ListDto,
  type OkDto,
  type ProviderAccountDto,
  ProviderAccountSubjects,
} from '@callfleet/contracts';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { managingOrgId } from './account-manager';
import { ProviderAccountsService } from './provider-accounts.service';

/** Provider accounts of the caller's org (the gateway's /api/v1/provider-accounts). Secrets go in, never out. */
@Controller()
export class ProviderAccountsHandlers {
  constructor(private readonly accounts: ProviderAccountsService) {}

  @MessagePattern(ProviderAccountSubjects.CREATE)
  create(@Payload() dto: CreateProviderAccountDto): Promise<ProviderAccountDto> {
    return this.accounts.create(managingOrgId(), dto);
  }

  @MessagePattern(ProviderAccountSubjects.LIST)
  list(): Promise<ListDto<ProviderAccountDto>> {
    return this.accounts.list(managingOrgId());
  }

  @MessagePattern(ProviderAccountSubjects.GET)
  get(@Payload() params: IdParamDto): Promise<ProviderAccountDto> {
    return this.accounts.get(managingOrgId(), params.id);
  }

  @MessagePattern(ProviderAccountSubjects.DELETE)
  async delete(@Payload() params: IdParamDto): Promise<OkDto> {
    await this.accounts.delete(managingOrgId(), params.id);
    return { ok: true };
  }
}
