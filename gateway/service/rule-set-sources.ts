// The source text of loaded rule sets, which workers need to compile them
// (a CompiledRuleSet holds no source, and cannot cross threads). Open the
// registry with `compile: compileKeepingSource` (or openRegistryWithSources):
// every rule set it compiles then has its source recorded here.
import { compileRuleSet, RuleSetRegistry, type CompileRuleSet, type CompiledRuleSet, type RuleSetRegistryOptions, type RuleSetSnapshot } from '../../engine/src/index.js';
import type { RuleSetCatalog, RuleSetEntry } from '../worker/protocol.js';

const sources = new WeakMap<CompiledRuleSet, string>();

/** compileRuleSet, remembering the source of what compiles. Pass it as the registry's `compile`. */
export const compileKeepingSource: CompileRuleSet = (source, options) => {
  const result = compileRuleSet(source, options);
  if (result.ruleSet) sources.set(result.ruleSet, source);
  return result;
};

/** RuleSetRegistry.open with compileKeepingSource. */
export function openRegistryWithSources(options: RuleSetRegistryOptions): Promise<RuleSetRegistry> {
  return RuleSetRegistry.open({ ...options, compile: compileKeepingSource });
}

export function ruleSetSource(ruleSet: CompiledRuleSet): string | undefined {
  return sources.get(ruleSet);
}

const encoder = new TextEncoder();
const catalogs = new WeakMap<RuleSetSnapshot, RuleSetCatalog>();
let generations = 0;

/** The catalog of a snapshot, built once per snapshot (a snapshot never changes). */
export function catalogOf(snapshot: RuleSetSnapshot): RuleSetCatalog {
  const known = catalogs.get(snapshot);
  if (known) return known;
  const list = snapshot.list();
  const encoded = list.map((ruleSet) => {
    const source = ruleSetSource(ruleSet);
    if (source === undefined) {
      throw new Error(`the source of rule set ${ruleSet.id}@${ruleSet.version} is unknown: open the registry with compile: compileKeepingSource (gateway/service/rule-set-sources.ts)`);
    }
    return encoder.encode(source);
  });
  const sharedSources = new SharedArrayBuffer(encoded.reduce((n, bytes) => n + bytes.length, 0));
  const view = new Uint8Array(sharedSources);
  const entries: RuleSetEntry[] = [];
  const newest: Record<string, number> = Object.create(null) as Record<string, number>;
  let at = 0;
  list.forEach((ruleSet, i) => {
    const bytes = encoded[i]!;
    view.set(bytes, at);
    entries.push({ id: ruleSet.id, version: ruleSet.version, digest: ruleSet.digest, start: at, end: at + bytes.length });
    at += bytes.length;
    if (snapshot.newest.get(ruleSet.id) === ruleSet) newest[ruleSet.id] = i;
  });
  // A plain object: a null prototype does not survive structured cloning anyway.
  const catalog: RuleSetCatalog = { generation: ++generations, sources: sharedSources, entries, newest: { ...newest } };
  catalogs.set(snapshot, catalog);
  return catalog;
}
