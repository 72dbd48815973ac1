export * from './database-config';
export * from './database-errors';
export * from './org-scoped.repository';
export * from './persistence.module';
