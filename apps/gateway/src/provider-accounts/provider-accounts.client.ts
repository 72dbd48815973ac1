import {
  type CreateProviderAccountDto,
  type IdParamDto,
  type ListDto,
  type OkDto,
  type ProviderAccountDto,
  ProviderAccountSubjects,
} from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';

/** webhook-ingest's provider-account subjects, typed; the caller's org travels in the fleet headers. */
@Injectable()
export class ProviderAccountsClient {
  constructor(private readonly rpc: NatsRpcClient) {}

  create(dto: CreateProviderAccountDto): Promise<ProviderAccountDto> {
    return this.rpc.request(ProviderAccountSubjects.CREATE, dto);
  }

  list(): Promise<ListDto<ProviderAccountDto>> {
    return this.rpc.request(ProviderAccountSubjects.LIST, {});
  }

  get(params: IdParamDto): Promise<ProviderAccountDto> {
    return this.rpc.request(ProviderAccountSubjects.GET, params);
  }

  delete(params: IdParamDto): Promise<OkDto> {
    return this.rpc.request(ProviderAccountSubjects.DELETE, params);
  }
}
