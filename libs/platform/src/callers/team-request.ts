import { ErrorCode, FLEET_IDENTITY_HEADERS, TEAM_CREDENTIAL_HEADER } from '@callfleet/contracts';
import { Match, type MsgHdrs } from '@nats-io/transport-node';
import type { RequestContextData } from '../context/request-context';
import { AppException } from '../errors/app.exception';
import type { CallerAuthenticator } from './caller-authenticator';
import { type PresentedCredentials, readCredentials } from './credentials';
import { contextIdentityOf } from './principal';

/**
 * Removes the identity headers from a team's request: a team may send any header, and only the
 * credential it presents says who it is. Done on the message itself, so neither the request
 * context nor a handler reading its headers (audit's client IP) ever sees a forged one.
 */
export function dropFleetIdentity(headers: MsgHdrs | undefined): void {
  // Any spelling: a reader that matched headers loosely must not find a forged one either.
  for (const name of FLEET_IDENTITY_HEADERS) headers?.delete(name, Match.IgnoreCase);
}

/** What a team's request presents: `authorization: Bearer <API key or access token>`, nothing else. */
export function teamCredentials(headers: MsgHdrs | undefined): PresentedCredentials {
  // MsgHdrs answers '' for a header that is not there.
  return readCredentials({ authorization: headers?.get(TEAM_CREDENTIAL_HEADER) || undefined });
}

/**
 * The identity a team's request is handled with: the caller its credential proves, exactly what the
 * gateway would have put in the fleet headers for the same credential. No credential is
 * MISSING_CREDENTIALS, a refused one INVALID_TOKEN / TOKEN_EXPIRED (all 401).
 */
export async function teamCallerIdentity(
  authenticator: CallerAuthenticator,
  headers: MsgHdrs | undefined,
): Promise<Pick<RequestContextData, 'orgId' | 'userId' | 'roles'>> {
  const principal = await authenticator.authenticate(teamCredentials(headers));
  if (!principal) {
    throw new AppException(
      ErrorCode.MISSING_CREDENTIALS,
      `Authentication required: send ${TEAM_CREDENTIAL_HEADER}: Bearer <API key or access token>`,
    );
  }
  return contextIdentityOf(principal);
}
