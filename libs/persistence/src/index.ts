export * from './database-config';
export * from './jobs';
export * from './notifications/pg-listener';
export * from './org-scoped.repository';
export * from './outbox';
export * from './page-cursor';
export * from './persistence.module';
export * from './prepared-statement';
