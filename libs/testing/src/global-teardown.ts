import { purgeRecordedNamespaces } from './namespace-cleanup';
import { TEST_NATS_URL } from './test-environment';

export default async function globalTeardown(): Promise<void> {
  await purgeRecordedNamespaces(TEST_NATS_URL);
}
