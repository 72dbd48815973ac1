import { randomUUID } from 'node:crypto';
import { FleetHeader, NATS_SERVICE_ERROR_CODE } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';

/** A command's answer: its body, or the error status and body the service sent. */
export type FleetAnswer<T> =
  | { ok: true; body: T }
  | { ok: false; status: number; body: { code: string; message: string; details?: unknown } };

/** Who sends a fleet request (as the gateway puts it in the fleet headers); roles default to admin. */
export interface FleetRequestCaller {
  orgId: string;
  roles?: string[];
  userId?: string;
}

/** A plain NATS request as the gateway makes it, with the caller's identity in the fleet headers. */
export async function fleetRequest<T>(
  nc: NatsConnection,
  namespace: string,
  subject: string,
  body: unknown,
  caller: FleetRequestCaller,
  timeoutMs = 10_000,
): Promise<FleetAnswer<T>> {
  const h = natsHeaders();
  h.set(FleetHeader.REQUEST_ID, randomUUID());
  h.set(FleetHeader.ORG_ID, caller.orgId);
  h.set(FleetHeader.USER_ID, caller.userId ?? randomUUID());
  h.set(FleetHeader.ROLES, (caller.roles ?? ['admin']).join(','));
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const reply = await nc.request(new SubjectNamespace(namespace).subject(subject), payload, {
    timeout: timeoutMs,
    headers: h,
  });
  const status = reply.headers?.get(NATS_SERVICE_ERROR_CODE);
  return status ? { ok: false, status: Number(status), body: reply.json() } : { ok: true, body: reply.json<T>() };
}
