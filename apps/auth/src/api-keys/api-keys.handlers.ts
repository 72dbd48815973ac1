import {
  type ApiKeyDto,
  type ApiKeyPrincipalDto,
  AuthSubjects,
  CreateApiKeyDto,
  type CreatedApiKeyDto,
  IdParamDto,
  type ListDto,
  type OkDto,
  VerifyApiKeyDto,
} from '@callfleet/contracts';
import { currentCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApiKeysService } from './api-keys.service';

@Controller()
export class ApiKeysHandlers {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @MessagePattern(AuthSubjects.API_KEY_CREATE)
  create(@Payload() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(currentCaller(), dto);
  }

  @MessagePattern(AuthSubjects.API_KEY_LIST)
  list(): Promise<ListDto<ApiKeyDto>> {
    return this.apiKeys.list(currentCaller());
  }

  @MessagePattern(AuthSubjects.API_KEY_REVOKE)
  async revoke(@Payload() dto: IdParamDto): Promise<OkDto> {
    await this.apiKeys.revoke(currentCaller(), dto.id);
    return { ok: true };
  }

  /** Called by the gateway before it knows who the caller is: no identity headers needed. */
  @MessagePattern(AuthSubjects.API_KEY_VERIFY)
  verify(@Payload() dto: VerifyApiKeyDto): Promise<ApiKeyPrincipalDto> {
    return this.apiKeys.verify(dto.key);
  }
}
