import {
  type ApiKeyDto,
  type ApiKeyPrincipalDto,
  AuthCommands,
  CreateApiKeyDto,
  type CreatedApiKeyDto,
  IdParamDto,
  type ListDto,
  type OkDto,
  VerifyApiKeyDto,
} from '@callfleet/contracts';
import { Caller, Command } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ApiKeysService } from './api-keys.service';

@Controller()
export class ApiKeysHandlers {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Command(AuthCommands.ApiKeyCreate)
  create(@Payload() dto: CreateApiKeyDto, @Caller() caller: Caller): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(caller, dto);
  }

  @Command(AuthCommands.ApiKeyList)
  list(@Caller() caller: Caller): Promise<ListDto<ApiKeyDto>> {
    return this.apiKeys.list(caller);
  }

  @Command(AuthCommands.ApiKeyRevoke)
  async revoke(@Payload() dto: IdParamDto, @Caller() caller: Caller): Promise<OkDto> {
    await this.apiKeys.revoke(caller, dto.id);
    return { ok: true };
  }

  /** Called by the gateway before it knows who the caller is: no identity headers needed. */
  @Command(AuthCommands.ApiKeyVerify)
  verify(@Payload() dto: VerifyApiKeyDto): Promise<ApiKeyPrincipalDto> {
    return this.apiKeys.verify(dto.key);
  }
}
