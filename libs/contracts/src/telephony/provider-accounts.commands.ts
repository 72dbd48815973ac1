import { IdParamDto, OkDto } from '../auth/auth.dto';
import { defineCommand, listOf, NO_BODY } from '../nats/command-descriptor';
import {
  CreateProviderAccountDto,
  ProviderAccountCredentialsDto,
  ProviderAccountCredentialsRequestDto,
  ProviderAccountDto,
} from './provider-account.dto';

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
  /**
   * Fleet only: an account's credentials opened, for a service that calls the provider on the org's
   * behalf (recording downloads). Provider accounts stay in webhook-ingest's schema, sealed with its
   * keys; no other service holds ENCRYPTION_KEYS or reads that schema.
   */
  Credentials: defineCommand({
    subject: 'provider-accounts.v1.credentials',
    request: ProviderAccountCredentialsRequestDto,
    response: ProviderAccountCredentialsDto,
  }),
} as const;
