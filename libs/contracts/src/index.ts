export * from './auth/auth.dto';
export * from './auth/roles';
export * from './errors/error-codes';
export * from './events/event-envelope';
export * from './nats/headers';
export * from './nats/subjects';
