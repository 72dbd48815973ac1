export * from './built-dist';
export * from './error-envelope';
export * from './free-port';
export * from './nats-server';
export * from './raw-http';
export * from './test-database';
export * from './test-environment';
export * from './test-fleet';
