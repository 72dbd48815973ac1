export * from './backoff';
export * from './failure-classification';
export * from './provider-policy';
export * from './retry-after';
export * from './upstream-errors';
