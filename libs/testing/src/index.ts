export * from './built-dist';
export * from './discovery';
export * from './error-envelope';
export * from './free-port';
export * from './nats-server';
export * from './test-database';
export * from './test-environment';
export * from './test-fleet';
