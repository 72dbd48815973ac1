export * from './database-config';
export * from './database-errors';
export * from './notifications/pg-listener';
export * from './org-scoped.repository';
export * from './persistence.module';
export * from './prepared-statement';
