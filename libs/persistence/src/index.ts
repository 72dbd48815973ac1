export * from './database-config';
export * from './org-scoped.repository';
export * from './persistence.module';
