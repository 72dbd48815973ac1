import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { FLEET_DEFINITIONS } from '../../tools/fleet/fleet-definitions';

export const REPO_ROOT = join(__dirname, '..', '..');

/** The services every environment deploys (telephony-sim, a dev tool: dev and compose only). */
export const FLEET = FLEET_DEFINITIONS.filter((d) => !d.deployment?.devOnly).map((d) => d.name);

/** Every service's HTTP port, from its definition. */
export const SERVICE_PORTS: Record<string, number> = Object.fromEntries(FLEET_DEFINITIONS.map((d) => [d.name, d.port]));

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field in the tests
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

export function readYaml<T>(path: string): T {
  return parse(readRepoFile(path)) as T;
}

/** `kubectl kustomize <dir>`, parsed into objects. */
export function renderKustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', join(REPO_ROOT, dir)], { encoding: 'utf8', timeout: 60_000 });
  return parseAllDocuments(out)
    .map((doc) => doc.toJS() as K8sObject)
    .filter(Boolean);
}

/** Validation errors of `objects` against the official Kubernetes (and prometheus-operator) schemas. */
export function schemaErrors(objects: K8sObject[]): string[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-k8s-objects.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: REPO_ROOT,
    timeout: 60_000,
  });
  return (JSON.parse(out) as { errors: string[] }).errors;
}

export interface RuleGroups {
  groups: { name: string; rules: Record<string, unknown>[] }[];
}

export const RULES_FILE = 'deploy/prometheus/rules/callfleet.rules.yml';
export const DASHBOARD_FILE = 'deploy/grafana/dashboards/callfleet-overview.json';

/** Every PromQL expression of the alert rules, by alert name. */
export function ruleExpressions(): Map<string, string> {
  const rules = readYaml<RuleGroups>(RULES_FILE);
  return new Map(rules.groups.flatMap((g) => g.rules.map((r) => [String(r.alert), String(r.expr)] as const)));
}

interface DashboardPanel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: DashboardPanel[];
}

/** Every PromQL expression of the dashboard's panels (rows included), by panel title. */
export function dashboardExpressions(): { title: string; expr: string }[] {
  const dashboard = JSON.parse(readRepoFile(DASHBOARD_FILE)) as { panels: DashboardPanel[] };
  const walk = (panels: DashboardPanel[]): { title: string; expr: string }[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? []).filter((t) => t.expr).map((t) => ({ title: p.title ?? '?', expr: String(t.expr) })),
      ...walk(p.panels ?? []),
    ]);
  return walk(dashboard.panels);
}

export function dashboardVariableQueries(): string[] {
  const dashboard = JSON.parse(readRepoFile(DASHBOARD_FILE)) as {
    templating: { list: { type: string; query?: string | { query?: string } }[] };
  };
  return dashboard.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? '')));
}

/** The `$NAME` env references of a nats-server configuration (the passwords its environment must hold). */
export function natsConfigVariables(config: string): string[] {
  return [...new Set([...config.matchAll(/^\s*\w+: \$([A-Z0-9_]+)\s*$/gm)].map((m) => m[1]))];
}

/** Each user of a nats-server configuration with the env variable its password comes from. */
export function natsConfigUsers(config: string): Map<string, string> {
  return new Map([...config.matchAll(/user: "([^"]+)"\s*\n\s*password: \$([A-Z0-9_]+)/g)].map((m) => [m[1], m[2]]));
}

/** The route URLs of a nats-server configuration's cluster block. */
export function natsConfigRoutes(config: string): string[] {
  const cluster = /cluster \{[\s\S]*?routes: \[([\s\S]*?)\]/.exec(config);
  return cluster ? [...cluster[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
}

/** KEY=value lines of an env file. */
export function readEnvFile(path: string): Map<string, string> {
  return new Map(
    readRepoFile(path)
      .split('\n')
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
}
