import 'reflect-metadata';
import { gatewayMeBenchmark } from './gateway-me.bench';
import { huntBenchmark } from './hunt.bench';
import { ingestBenchmark } from './ingest.bench';
import { type BenchBroker, startBenchBroker } from './lib/private-nats';
import { type BenchmarkResult, printResult, saveResult } from './lib/report';
import { mediaBenchmark } from './media.bench';
import { natsRpcBenchmark } from './nats-rpc.bench';
import { recordingCopyBenchmark } from './recordings.bench';

type Benchmark = { name: string; run: (broker: BenchBroker) => Promise<BenchmarkResult> };

const BENCHMARKS: Benchmark[] = [
  { name: 'nats-request-reply', run: (broker) => natsRpcBenchmark(broker.url) },
  { name: 'gateway-auth-me', run: gatewayMeBenchmark },
  { name: 'ingest-twilio-status', run: ingestBenchmark },
  { name: 'recording-copy', run: () => recordingCopyBenchmark() },
  { name: 'media', run: mediaBenchmark },
  { name: 'hunt', run: huntBenchmark },
];

/** `npm run bench [-- name ...]`: runs the named benchmarks (default all), prints and saves ratios. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name));
  const broker = await startBenchBroker();
  try {
    for (const bench of selected) {
      const result = await bench.run(broker);
      printResult(result);
      // A partial run (BENCH_VARIANTS) has no ratios worth keeping.
      if (!process.env.BENCH_VARIANTS) saveResult(result);
    }
  } finally {
    await broker.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
