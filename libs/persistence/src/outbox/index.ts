export * from './outbox';
export * from './outbox.module';
export * from './outbox-relay';
export * from './outbox-table';
