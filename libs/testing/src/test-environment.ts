/** The machine's shared NATS; tests isolate themselves with a namespace, not a broker of their own. */
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
