/** Headers carried on every fleet message. Set by the gateway or a service, never trusted from outside. */
export const FleetHeader = {
  REQUEST_ID: 'x-request-id',
  ORG_ID: 'x-org-id',
  USER_ID: 'x-user-id',
  ROLES: 'x-roles',
  TRACEPARENT: 'traceparent',
  /** The end user's IP as the gateway saw it (for audit); only on login/register. */
  CLIENT_IP: 'x-client-ip',
} as const;

/**
 * The headers that say who is calling: believed only from fleet services. A team's request
 * (libs/contracts/src/nats/team-access.ts) has them removed before anything reads them.
 */
export const FLEET_IDENTITY_HEADERS: readonly string[] = [
  FleetHeader.ORG_ID,
  FleetHeader.USER_ID,
  FleetHeader.ROLES,
  FleetHeader.CLIENT_IP,
];

/** NATS service API error headers (the `micro` convention). */
export const NATS_SERVICE_ERROR = 'Nats-Service-Error';
export const NATS_SERVICE_ERROR_CODE = 'Nats-Service-Error-Code';
