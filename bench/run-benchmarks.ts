import 'reflect-metadata';
import { gatewayMeBenchmark } from './gateway-me.bench';
import { ingestBenchmark } from './ingest.bench';
import { type BenchmarkResult, printResult, saveResult } from './lib/report';
import { natsRpcBenchmark } from './nats-rpc.bench';

type Benchmark = { name: string; run: () => Promise<BenchmarkResult> };

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const BENCHMARKS: Benchmark[] = [
  { name: 'nats-request-reply', run: () => natsRpcBenchmark(natsUrl) },
  { name: 'gateway-auth-me', run: () => gatewayMeBenchmark(natsUrl) },
  { name: 'ingest-twilio-status', run: () => ingestBenchmark(natsUrl) },
];

/** `npm run bench [-- name ...]`: runs the named benchmarks (default all), prints and saves ratios. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name));
  for (const bench of selected) {
    const result = await bench.run();
    printResult(result);
    saveResult(result);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
