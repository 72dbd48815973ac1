import { IdParamDto, OkDto } from '../auth/auth.dto';
import { defineCommand, listOf, NO_BODY } from '../nats/command-descriptor';
import { CreateProviderAccountDto, ProviderAccountDto } from './provider-account.dto';

/**
 * webhook-ingest's commands on provider accounts (queue group `webhook-ingest`); the gateway exposes
 * them as `/api/v1/provider-accounts`. Owners and admins of the caller's org (fleet headers) only.
 */
export const ProviderAccountCommands = {
  Create: defineCommand({
    subject: 'provider-accounts.v1.create',
    request: CreateProviderAccountDto,
    response: ProviderAccountDto,
    public: true,
  }),
  List: defineCommand({
    subject: 'provider-accounts.v1.list',
    request: NO_BODY,
    response: listOf(ProviderAccountDto),
    public: true,
  }),
  Get: defineCommand({
    subject: 'provider-accounts.v1.get',
    request: IdParamDto,
    response: ProviderAccountDto,
    public: true,
  }),
  Delete: defineCommand({ subject: 'provider-accounts.v1.delete', request: IdParamDto, response: OkDto, public: true }),
} as const;
