export * from './database-config';
export * from './notifications/pg-listener';
export * from './org-scoped.repository';
export * from './persistence.module';
