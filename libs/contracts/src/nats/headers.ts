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

/** NATS service API error headers (the `micro` convention). */
export const NATS_SERVICE_ERROR = 'Nats-Service-Error';
export const NATS_SERVICE_ERROR_CODE = 'Nats-Service-Error-Code';
