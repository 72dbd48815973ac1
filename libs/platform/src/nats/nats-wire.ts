import {
  ERROR_HTTP_STATUS,
  type ErrorBody,
  FleetHeader,
  NATS_SERVICE_ERROR,
  NATS_SERVICE_ERROR_CODE,
} from '@callfleet/contracts';
import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import type { RequestContextData } from '../context/request-context';

/**
 * The fleet's wire format on NATS (the NATS service API conventions): the request body is the DTO
 * as JSON, a success reply is the result as JSON, and an error reply carries `Nats-Service-Error`
 * and `Nats-Service-Error-Code` headers with the body `{code, message, details?}`.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return value === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(value));
}

export function decodeJson(data: Uint8Array): unknown {
  if (data.length === 0) return {};
  return JSON.parse(decoder.decode(data));
}

export function errorHeaders(body: ErrorBody): MsgHdrs {
  const h = natsHeaders();
  h.set(NATS_SERVICE_ERROR, body.message.replace(/[\r\n]+/g, ' '));
  h.set(NATS_SERVICE_ERROR_CODE, String(ERROR_HTTP_STATUS[body.code]));
  return h;
}

/** Copies the caller's context onto outgoing headers, so the next service logs and scopes the same way. */
export function contextHeaders(ctx: RequestContextData | undefined, extra?: Record<string, string>): MsgHdrs {
  const h = natsHeaders();
  if (ctx) {
    h.set(FleetHeader.REQUEST_ID, ctx.requestId);
    if (ctx.orgId) h.set(FleetHeader.ORG_ID, ctx.orgId);
    if (ctx.userId) h.set(FleetHeader.USER_ID, ctx.userId);
    if (ctx.roles?.length) h.set(FleetHeader.ROLES, ctx.roles.join(','));
    if (ctx.traceparent) h.set(FleetHeader.TRACEPARENT, ctx.traceparent);
  }
  if (extra) for (const k in extra) h.set(k, extra[k]);
  return h;
}

export function contextFromHeaders(h: MsgHdrs | undefined, fallbackRequestId: () => string): RequestContextData {
  const get = (k: string) => h?.get(k) || undefined;
  const roles = get(FleetHeader.ROLES);
  return {
    requestId: get(FleetHeader.REQUEST_ID) ?? fallbackRequestId(),
    orgId: get(FleetHeader.ORG_ID),
    userId: get(FleetHeader.USER_ID),
    roles: roles ? roles.split(',').filter(Boolean) : undefined,
    traceparent: get(FleetHeader.TRACEPARENT),
  };
}
