/** Text the fleet prints: its own lines, its children's lines, and the table of URLs. */

/**
 * A child's output line as the fleet prints it. JSON log lines already name their service and stay
 * untouched, so `npm start | pino-pretty` or `| jq` keep working; anything else (a crash trace, a
 * tool's plain text) gets the service name in front.
 */
export function formatChildLine(service: string, line: string): string {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    try {
      JSON.parse(trimmed);
      return line;
    } catch {
      // not JSON after all: prefix it like any other line
    }
  }
  return `${service} | ${line}`;
}

/** A URL with its password replaced, so a database URL can be printed. */
export function maskUrlPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

export interface ServiceRow {
  name: string;
  baseUrl: string;
  pid: number | undefined;
  links?: { label: string; path: string }[];
}

export interface FleetSummary {
  services: ServiceRow[];
  nats: string;
  database: string;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, col) => cell.padEnd(widths[col]))
      .join('  ')
      .trimEnd(),
  );
}

/** The table printed once every service is ready. */
export function renderFleetSummary(summary: FleetSummary): string {
  const links = summary.services.flatMap((s) => (s.links ?? []).map((l) => [l.label, `${s.baseUrl}${l.path}`]));
  const services = [
    ['service', 'ready', 'metrics', 'pid'],
    ...summary.services.map((s) => [s.name, `${s.baseUrl}/health/ready`, `${s.baseUrl}/metrics`, String(s.pid ?? '-')]),
  ];
  return [
    '',
    ...table([...links, ['NATS', summary.nats], ['PostgreSQL', summary.database]]).map((l) => `  ${l}`),
    '',
    ...table(services).map((l) => `  ${l}`),
    '',
  ].join('\n');
}
