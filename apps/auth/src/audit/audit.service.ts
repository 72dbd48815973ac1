import { FleetHeader } from '@callfleet/contracts';
import type { NatsRpcContext } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLogEntry } from './audit-log.entity';

export const AuditEvent = {
  REGISTERED: 'registered',
  LOGIN_SUCCEEDED: 'login_succeeded',
  LOGIN_FAILED: 'login_failed',
  REFRESH_REUSE: 'refresh_reuse',
  LOGOUT: 'logout',
  PASSWORD_RESET: 'password_reset',
  EMAIL_VERIFIED: 'email_verified',
  USER_INVITED: 'user_invited',
  API_KEY_CREATED: 'api_key_created',
  API_KEY_REVOKED: 'api_key_revoked',
} as const;
export type AuditEvent = (typeof AuditEvent)[keyof typeof AuditEvent];

export interface AuditRecord {
  event: AuditEvent;
  orgId?: string | null;
  userId?: string | null;
  ip?: string | null;
  /** Never a password, code or token. */
  details?: Record<string, unknown>;
}

const IP = /^[0-9A-Fa-f:.]{2,45}$/;

/** The client IP the gateway passed along, if it looks like one (it lands in the audit log as is). */
export function clientIp(ctx: NatsRpcContext): string | null {
  const value = ctx.getHeaders()?.get(FleetHeader.CLIENT_IP);
  return value && IP.test(value) ? value : null;
}

@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes one entry; pass the transaction's manager to keep it atomic with the change it records. */
  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const row = manager.create(AuditLogEntry, {
      event: entry.event,
      orgId: entry.orgId ?? null,
      userId: entry.userId ?? null,
      ip: entry.ip ?? null,
      details: entry.details ?? {},
    });
    await manager.save(row);
  }
}
