// `npm run kubernetes-rules`: writes deploy/kubernetes/rules-configmap.yaml,
// the ConfigMap gridcode-rules, from the rule-set files of rules/ (a copy:
// kustomize's configMapGenerator cannot read files outside its folder).
// tests/ops/kubernetes.test.ts fails when the copy and rules/ differ: run this
// after changing a rule file.
import { readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { packageRoot } from '../engine/src/package-root.js';
import { isRuleSetFileName } from '../engine/src/rules/registry/index.js';

export const RULES_DIR = join(packageRoot, 'rules');
export const RULES_CONFIGMAP_FILE = join(packageRoot, 'deploy', 'kubernetes', 'rules-configmap.yaml');

/** The ConfigMap holding every rule-set file of `dir` (the files the server would load from it), by file name. */
export function rulesConfigMap(dir: string = RULES_DIR): Record<string, unknown> {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && isRuleSetFileName(entry.name))
    .map((entry) => entry.name)
    .sort();
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'gridcode-rules', labels: { 'app.kubernetes.io/name': 'gridcode' } },
    data: Object.fromEntries(files.map((name) => [name, readFileSync(join(dir, name), 'utf8')])),
  };
}

export function rulesConfigMapText(dir: string = RULES_DIR): string {
  return `# Generated from rules/ by npm run kubernetes-rules; do not edit (edit rules/, then run it).\n${stringify(rulesConfigMap(dir), { lineWidth: 0 })}`;
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(RULES_CONFIGMAP_FILE, rulesConfigMapText());
  process.stdout.write(`wrote ${RULES_CONFIGMAP_FILE}\n`);
}
