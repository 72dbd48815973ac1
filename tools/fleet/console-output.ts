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

/** How another team reaches the fleet's NATS: the team user and where its password is (never the password). */
export interface TeamAccess {
  natsUrl: string;
  user: string;
  passwordsFile: string;
  passwordVariable: string;
  inboxPrefix: string;
}

export interface FleetSummary {
  services: ServiceRow[];
  nats: string;
  team?: TeamAccess;
  database: string;
}

/**
 * A request another team can paste (nats CLI): the password read from the file into the shell, the
 * team user's own inbox prefix (the only inbox it may subscribe to), an API key in `authorization`.
 */
export function teamRequestExample(team: TeamAccess): string {
  return (
    `(. ${team.passwordsFile} && nats req -s ${team.natsUrl} --user ${team.user} ` +
    `--password "$${team.passwordVariable}" --inbox-prefix ${team.inboxPrefix} ` +
    `-H 'authorization: Bearer cf_...' auth.v1.me '')`
  );
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
    ...table([
      ...links,
      ['NATS', summary.nats],
      ...(summary.team
        ? [
            [
              'NATS team user',
              `${summary.team.user}: password ${summary.team.passwordVariable} in ${summary.team.passwordsFile}`,
            ],
            ['team request', teamRequestExample(summary.team)],
          ]
        : []),
      ['PostgreSQL', summary.database],
    ]).map((l) => `  ${l}`),
    '',
    ...table(services).map((l) => `  ${l}`),
    '',
  ].join('\n');
}
