// What workers need of the loaded rule sets: their sources (a compiled rule
// set cannot cross threads), shared once per registry snapshot.
import type { RuleSetSnapshot } from '../../engine/src/index.js';
import type { RuleSetCatalog, RuleSetEntry } from '../tasks/protocol.js';

const encoder = new TextEncoder();
const catalogs = new WeakMap<RuleSetSnapshot, RuleSetCatalog>();
let generations = 0;

/** The catalog of a snapshot, built once per snapshot (a snapshot never changes). */
export function catalogOf(snapshot: RuleSetSnapshot): RuleSetCatalog {
  const known = catalogs.get(snapshot);
  if (known) return known;
  const list = snapshot.list();
  const encoded = list.map((ruleSet) => encoder.encode(ruleSet.source));
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
