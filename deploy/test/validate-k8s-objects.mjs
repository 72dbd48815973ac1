// Validates Kubernetes objects (a JSON array on stdin) against the official schemas with
// kubernetes-models (and the prometheus-operator CRDs), printing {"errors": [...]} as JSON.
// A separate ESM process: these packages are import-only, which Jest's CommonJS runtime cannot load.
import * as operator from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';

const MODELS = {
  v1: core,
  'apps/v1': apps,
  'policy/v1': policy,
  'networking.k8s.io/v1': networking,
  'monitoring.coreos.com/v1': operator,
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const errors = [];
for (const object of JSON.parse(input)) {
  const where = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  const Model = MODELS[object.apiVersion]?.[object.kind];
  if (!Model) {
    errors.push(`${where}: no schema for this apiVersion/kind`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    errors.push(`${where}: ${error.message}`);
  }
}
process.stdout.write(JSON.stringify({ errors }));
