import { createHash, randomBytes } from 'node:crypto';
import { ErrorCode, KvBuckets } from '@callfleet/contracts';
import { AppException, Clock, KvStoreService, type Principal } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';

/** `evt_` + 32 random bytes (base64url). */
const TICKET_PATTERN = /^evt_[A-Za-z0-9_-]{43}$/;
/** The bucket keeps entries a little longer than the longest ticket lives; the value's expiry decides. */
const BUCKET_TTL_MS = 2 * 60_000;

interface StoredTicket {
  principal: Principal;
  expiresAt: number;
}

function refused(message: string, code: ErrorCode = ErrorCode.INVALID_TOKEN): AppException {
  return new AppException(code, message);
}

/**
 * Tickets for the live events stream, since a browser's EventSource cannot send an Authorization
 * header: short-lived, single-use, bound to the principal that asked for one. Kept in NATS KV, so a
 * ticket issued by one gateway replica is redeemed by any and only once across all of them: the
 * redeeming delete is conditional on the entry's revision, and only one delete of a revision wins.
 * The key is the ticket's SHA-256, so the bucket holds nothing a reader could present.
 */
@Injectable()
export class EventTickets {
  constructor(
    private readonly kv: KvStoreService,
    private readonly config: GatewayConfig,
    private readonly clock: Clock,
  ) {}

  private bucket() {
    return this.kv.bucket(KvBuckets.EVENT_TICKETS, { ttlMs: BUCKET_TTL_MS });
  }

  async issue(principal: Principal): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = `evt_${randomBytes(32).toString('base64url')}`;
    const expiresAt = this.clock.nowMs() + this.config.EVENT_TICKET_TTL_SECONDS * 1000;
    const stored: StoredTicket = { principal, expiresAt };
    await (await this.bucket()).create(keyOf(ticket), JSON.stringify(stored));
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The principal the ticket was issued to, once; 401 when forged, used, or expired. */
  async redeem(ticket: string): Promise<Principal> {
    if (!TICKET_PATTERN.test(ticket)) throw refused('Invalid event ticket');
    const bucket = await this.bucket();
    const key = keyOf(ticket);
    const entry = await bucket.get(key);
    if (entry?.operation !== 'PUT') throw refused('Event ticket is unknown or was already used');
    try {
      await bucket.delete(key, { previousSeq: entry.revision });
    } catch {
      // Another request (on any replica) deleted this revision first.
      throw refused('Event ticket is unknown or was already used');
    }
    const stored = JSON.parse(entry.string()) as StoredTicket;
    if (stored.expiresAt <= this.clock.nowMs()) throw refused('Event ticket has expired', ErrorCode.TOKEN_EXPIRED);
    return stored.principal;
  }
}

function keyOf(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}
