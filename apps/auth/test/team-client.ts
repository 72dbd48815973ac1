import {
  type CommandDescriptor,
  type ErrorBody,
  NATS_SERVICE_ERROR_CODE,
  TEAM_CREDENTIAL_HEADER,
} from '@callfleet/contracts';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import { AuthHarness, type Identity } from './auth-harness';

export type TeamReply<T> =
  | { ok: true; body: T }
  /** `status`: the Nats-Service-Error-Code header; `body`: the error body, all the team receives. */
  | { ok: false; status: number; body: ErrorBody };

/**
 * Another team's plain NATS client calling the fleet's public commands. `subjectFor` says where a
 * command's request goes: on the open test broker the team export subject itself (what the TEAMS
 * account's import maps to), behind the generated broker config the usual subject.
 */
export class TeamClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectFor: (subject: string) => string,
  ) {}

  async request<T>(
    command: CommandDescriptor,
    body: unknown,
    options: { credential?: string; headers?: Record<string, string> } = {},
  ): Promise<TeamReply<T>> {
    const h = natsHeaders();
    for (const [name, value] of Object.entries(options.headers ?? {})) h.set(name, value);
    if (options.credential !== undefined) h.set(TEAM_CREDENTIAL_HEADER, options.credential);
    const reply = await this.nc.request(this.subjectFor(command.subject), JSON.stringify(body), {
      timeout: 5_000,
      headers: h,
    });
    const status = reply.headers?.get(NATS_SERVICE_ERROR_CODE);
    return status
      ? { ok: false, status: Number(status), body: reply.json<ErrorBody>() }
      : { ok: true, body: reply.json<T>() };
  }
}

/**
 * A request as the gateway sends it, to set up what a team then reads: on the fleet subject
 * (`subjectFor` applies the namespace), with the fleet identity headers of `identity`. Throws on an
 * error reply.
 */
export async function fleetRequest<T>(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  identity?: Identity,
): Promise<T> {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(identity ? AuthHarness.as(identity) : {})) h.set(name, value);
  const reply = await nc.request(subject, JSON.stringify(body), { timeout: 5_000, headers: h });
  if (reply.headers?.get(NATS_SERVICE_ERROR_CODE)) throw new Error(`${subject}: ${reply.string()}`);
  return reply.json<T>();
}

/** `Bearer <credential>`, the authorization header value of a team request. */
export const bearer = (credential: string) => `Bearer ${credential}`;
