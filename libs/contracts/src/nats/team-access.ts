/**
 * How other teams reach the fleet over NATS. The fleet's account exports each public command under
 * `teams.<subject>`, and the TEAMS account imports it under the usual `<subject>`: a service therefore
 * knows by the subject a request arrived on whether a fleet service sent it (identity headers trusted)
 * or a team did (identity headers ignored, the credential in `authorization` verified).
 */
export const TEAM_EXPORT_PREFIX = 'teams';

/** The subject a public command is exported on (and a service subscribes to for team requests). */
export function teamExportSubject(subject: string): string {
  return `${TEAM_EXPORT_PREFIX}.${subject}`;
}

/** Header a team request carries its credential in: `Bearer cf_...` (API key) or `Bearer <access token>`. */
export const TEAM_CREDENTIAL_HEADER = 'authorization';
