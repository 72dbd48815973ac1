// Writes k8s/base/monitoring/prometheus-rule.yaml from deploy/prometheus/rules/callfleet.rules.yml,
// so Kubernetes (prometheus-operator) and docker-compose alert on the same rules. Kustomize cannot
// read files outside k8s/, hence a generated copy; deploy/test fails when the two differ.
//   node deploy/prometheus/sync-k8s-rule.js
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const YAML = require('yaml');

const root = join(__dirname, '..', '..');
const rules = YAML.parse(readFileSync(join(root, 'deploy/prometheus/rules/callfleet.rules.yml'), 'utf8'));
const prometheusRule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'callfleet' },
  spec: { groups: rules.groups },
};
const header =
  '# GENERATED from deploy/prometheus/rules/callfleet.rules.yml by deploy/prometheus/sync-k8s-rule.js: edit the source.\n';
writeFileSync(
  join(root, 'k8s/base/monitoring/prometheus-rule.yaml'),
  header + YAML.stringify(prometheusRule, { lineWidth: 0 }),
);
