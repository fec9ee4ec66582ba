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
  const bases = list.map((ruleSet) => (ruleSet.bases ?? []).map((base) => ({ ref: base.ref, bytes: encoder.encode(base.source) })));
  const total = encoded.reduce((n, bytes) => n + bytes.length, 0) + bases.flat().reduce((n, base) => n + base.bytes.length, 0);
  const sharedSources = new SharedArrayBuffer(total);
  const view = new Uint8Array(sharedSources);
  const entries: RuleSetEntry[] = [];
  const newest: Record<string, number> = Object.create(null) as Record<string, number>;
  let at = 0;
  list.forEach((ruleSet, i) => {
    const bytes = encoded[i]!;
    view.set(bytes, at);
    const start = at;
    at += bytes.length;
    const placed = bases[i]!.map((base) => {
      view.set(base.bytes, at);
      at += base.bytes.length;
      return { ref: base.ref, start: at - base.bytes.length, end: at };
    });
    entries.push({ id: ruleSet.id, version: ruleSet.version, digest: ruleSet.digest, start, end: start + bytes.length, ...(placed.length > 0 ? { bases: placed } : {}) });
    if (snapshot.newest.get(ruleSet.id) === ruleSet) newest[ruleSet.id] = i;
  });
  // A plain object: a null prototype does not survive structured cloning anyway.
  const catalog: RuleSetCatalog = { generation: ++generations, sources: sharedSources, entries, newest: { ...newest } };
  catalogs.set(snapshot, catalog);
  return catalog;
}
