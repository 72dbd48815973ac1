import type { SchemaOptions } from '@callfleet/persistence';
import { Membership } from './accounts/membership.entity';
import { Organization } from './accounts/organization.entity';
import { User } from './accounts/user.entity';
import { ApiKey } from './api-keys/api-key.entity';
import { AuditLogEntry } from './audit/audit-log.entity';
import { CreateAuthSchema1795400000000 } from './migrations/1795400000000-create-auth-schema';
import { CreateAuthOutbox1795400000001 } from './migrations/1795400000001-create-outbox';
import { DurableJobs1795600000000 } from './migrations/1795600000000-durable-jobs';
import { RefreshToken } from './sessions/refresh-token.entity';
import { VerificationCode } from './verification/verification-code.entity';

/** Auth's own PostgreSQL schema: its entities and migrations. Shared by the service (migrations at start) and `npm run migrate`. */
export const authSchema: SchemaOptions = {
  schema: 'auth',
  entities: [Organization, User, Membership, RefreshToken, VerificationCode, ApiKey, AuditLogEntry],
  migrations: [CreateAuthSchema1795400000000, CreateAuthOutbox1795400000001, DurableJobs1795600000000],
};
