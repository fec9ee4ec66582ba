// Rule sets inside a worker: compiled once per worker per digest, from the
// sources of the catalog a task carries (resolved in gateway/tasks/catalog.ts).
import { compileRuleSet, type CompiledRuleSet } from '../../engine/src/index.js';
import { resolverOf } from '../../engine/src/rules/bases.js';
import { catalogText, type RuleSetCatalog, type RuleSetEntry } from '../tasks/rule-set-catalog.js';

/** Compiled rule sets kept per worker; a reload that changes every file still fits. */
const CACHE_LIMIT = 256;

export class RuleSetCache {
  private readonly compiled = new Map<string, CompiledRuleSet>();
  /** Compilations so far (tests check that each digest is compiled once). */
  compilations = 0;

  /** The compiled rule set of an entry of `catalog`. */
  get(catalog: RuleSetCatalog, entry: RuleSetEntry): CompiledRuleSet {
    const hit = this.compiled.get(entry.digest);
    if (hit) {
      // Most recently used last.
      this.compiled.delete(entry.digest);
      this.compiled.set(entry.digest, hit);
      return hit;
    }
    const text = (start: number, end: number): string => catalogText(catalog, start, end);
    const source = text(entry.start, entry.end);
    // Its bases come with it (`extends`): the worker compiles exactly what the registry compiled.
    const bases = (entry.bases ?? []).map((base) => ({ ref: base.ref, source: text(base.start, base.end) }));
    const { ruleSet, diagnostics } = compileRuleSet(source, { resolve: resolverOf(bases) });
    this.compilations++;
    if (!ruleSet || diagnostics.length > 0) {
      // The registry compiled the same source: this cannot happen unless the catalog is corrupt.
      throw new Error(`rule set ${entry.id}@${entry.version} (digest ${entry.digest}) does not compile in the worker: ${diagnostics[0]?.message ?? 'no rule set'}`);
    }
    if (ruleSet.digest !== entry.digest) throw new Error(`rule set ${entry.id}@${entry.version}: the source's digest ${ruleSet.digest} is not the catalog's ${entry.digest}`);
    this.compiled.set(entry.digest, ruleSet);
    if (this.compiled.size > CACHE_LIMIT) this.compiled.delete(this.compiled.keys().next().value!);
    return ruleSet;
  }
}
