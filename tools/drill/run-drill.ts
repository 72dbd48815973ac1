import 'reflect-metadata';
import { findRootDir } from '../fleet/fleet-settings';
import { abortDrills, runDrill } from './drill';
import { renderDrillReport } from './drill-report';
import { drillUsage, readDrillSettings } from './drill-settings';

/**
 * `npm run drill`: breaks a fleet on a 3-node NATS cluster while traffic flows and prints what was
 * acknowledged, stored, duplicated and lost (docs/drill.md). Exit code 1 when anything acknowledged
 * was lost or repeated, or a killed process was not ready again in time.
 */
function say(line: string): void {
  process.stdout.write(`drill | ${line}\n`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${drillUsage()}\n`);
    return 0;
  }
  const settings = readDrillSettings(argv, process.env, findRootDir(__dirname));
  const outcome = await runDrill(settings, say);
  process.stdout.write(`\n${renderDrillReport(outcome.report)}\n`);
  if (outcome.problems.length === 0) {
    say('passed: nothing acknowledged was lost or processed twice, every killed process was ready in time');
    return 0;
  }
  for (const problem of outcome.problems) say(`FAILED: ${problem}`);
  return 1;
}

// Its processes run in their own process groups (a Ctrl-C reaches only the drill), so it kills them itself.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    say(`${signal}: killing the drill's processes`);
    void abortDrills().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`drill | failed to run: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
