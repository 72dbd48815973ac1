/**
 * Metric names a PromQL expression reads. Not a PromQL parser: it removes what cannot be a metric
 * name (strings, label matchers, range selectors, grouping clauses, numbers, Grafana variables) and
 * keeps every identifier that is not a function call or a keyword. Good enough for our rules and
 * dashboards, and unit-tested on the shapes they use.
 */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'inf', 'nan']);

export function promqlMetricNames(expr: string): Set<string> {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b(group_left|group_right)\b/g, ' ')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' ');
  const names = new Set<string>();
  // Whole tokens, so numbers and durations (0.99, 1e3, 5m) are skipped as a whole.
  for (const match of stripped.matchAll(/[A-Za-z0-9_:.]+(?=\s*(\()?)/g)) {
    const [name, call] = [match[0], match[1]];
    if (call || KEYWORDS.has(name.toLowerCase()) || !/^[A-Za-z_:][A-Za-z0-9_:]*$/.test(name)) continue;
    names.add(name);
  }
  return names;
}

/** `label_values(metric, label)` (a Grafana variable query) reads `metric`. */
export function grafanaVariableMetricNames(query: string): Set<string> {
  const match = /label_values\(\s*([^,)]+)\s*,/.exec(query);
  return match ? promqlMetricNames(match[1]) : new Set();
}

/**
 * Every sample name a scrape can contain, from its `# TYPE` lines: histograms and summaries
 * are queried through their `_bucket`, `_sum` and `_count` series.
 */
export function exportedSampleNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}
