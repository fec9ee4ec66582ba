// `extends: id@version` (issue 15): a rule set uses the templates of another,
// so a district's file does not copy the default's 96-number curves. Only
// templates are inherited: thresholds, rules and min_valid_share are the
// district's own (docs/decisions.md, 2026-12-05).
//
// The base is found by a resolver the caller gives: `gridcode check` reads
// the rules directory (--rules-dir, or the file's folder), the server's
// registry looks among what it serves, a worker among the sources a task
// carries. Whatever found it, it is compiled here by the same function, so
// check and server agree. The version is pinned: one id@version means one
// content (the registry refuses a change without a new version), so a
// derived rule set never changes meaning under its own version.
//
// The digest covers what was included: sha256 over the file's text, then for
// each base its ref and digest (which covers its own base in turn). A rule set
// without `extends` keeps the digest of its text alone.
import { createHash } from 'node:crypto';
import type { Span } from './diagnostics.js';
import type { CompiledRuleSet } from './program.js';
import type { FileProblem } from './source/nodes.js';
import type { Draft } from './source/document.js';
import { MAX_EXTENDS_DEPTH, MAX_TEMPLATES } from './limits.js';

/** A base rule set's text, as a resolver finds it. */
export interface BaseSource {
  /** id@version. */
  readonly ref: string;
  readonly source: string;
  /** Where it was found, for messages. */
  readonly file?: string;
}

/**
 * Finds the rule set `ref` (id@version); undefined when there is none. A list
 * is the candidates in the order the server would try them (files in name
 * order): the first that compiles is the base, as the registry serves the
 * first file of an id@version that loads (loadBase). `depth` is 1 when the
 * file itself asks, 2 for its base's base, and so on (ValidateRuleSet checks
 * the caller's rights on the draft's own base only). `where` says where it
 * looks, for the message when nothing is found.
 */
export type ResolveBase = ((ref: string, depth: number) => BaseSource | readonly BaseSource[] | undefined) & { readonly where?: string };

/**
 * Bases compiled so far, by ref and sha256 of their text: within one registry
 * scan or one `check` run, a base that many files extend is compiled once.
 * Only successes are kept, and only where their chain fits (loadBase).
 */
export type BaseCache = Map<string, CompiledRuleSet>;

export type LoadedBase =
  | { readonly ok: true; readonly ruleSet: CompiledRuleSet }
  | { readonly ok: false; readonly problem: FileProblem; /** Set when the base was not found at all (the registry tries again once more files have loaded). */ readonly missing?: string };

type CompileBase = (source: string, resolve: ResolveBase | undefined, chain: readonly string[], file?: string) => { ruleSet?: CompiledRuleSet; diagnostics: readonly { code: string; line: number; column: number; message: string }[] };

/** The start of the `limit` message for a chain too deep: passed up unchanged by every level (loadBase). */
const TOO_DEEP = '`extends` goes more than';

/**
 * Compiles the base `ref` for the rule sets `chain` (outermost first, the one
 * asking last: for cycles and depth) with `compile`, the caller's
 * compileRuleSet (passed in: the two call each other).
 */
export function loadBase(ref: string, span: Span, chain: readonly string[], resolve: ResolveBase | undefined, compile: CompileBase, cache?: BaseCache): LoadedBase {
  const fail = (message: string, missing?: string, code: FileProblem['code'] = 'bad_base'): LoadedBase => ({ ok: false, problem: { code, message, span }, ...(missing ? { missing } : {}) });
  if (chain.includes(ref)) return fail(`\`extends\` makes a cycle: ${[...chain.slice(chain.indexOf(ref)), ref].join(' → ')}; a rule set cannot extend itself`);
  if (chain.length > MAX_EXTENDS_DEPTH) return fail(`${TOO_DEEP} ${MAX_EXTENDS_DEPTH} levels deep (${[...chain, ref].join(' → ')}): a rule set may build on at most ${MAX_EXTENDS_DEPTH} levels of bases`, undefined, 'limit');
  const found = resolve?.(ref, chain.length);
  const candidates: readonly BaseSource[] = found === undefined ? [] : isList(found) ? found : [found];
  if (candidates.length === 0) {
    const where = !resolve ? 'nothing here can look up other rule sets' : (resolve.where ?? 'no rule set with that id and version is in the rules directory (or loaded by the server)');
    return fail(`unknown base \`${ref}\`: ${where}`, ref);
  }
  let first: LoadedBase | undefined;
  for (const candidate of candidates) {
    const key = `${ref}\0${createHash('sha256').update(candidate.source, 'utf8').digest('hex')}`;
    const hit = cache?.get(key);
    // A hit compiled for another file: it must not close a cycle with this chain, nor make it too deep (its bases are its whole chain: one `extends` each).
    if (hit && chain.length + (hit.bases?.length ?? 0) <= MAX_EXTENDS_DEPTH && !(hit.bases ?? []).some((b) => chain.includes(b.ref))) return { ok: true, ruleSet: hit };
    const { ruleSet, diagnostics } = compile(candidate.source, resolve, chain, candidate.file);
    const got = ruleSet && `${ruleSet.id}@${ruleSet.version}`;
    if (ruleSet && diagnostics.length === 0 && got === ref) {
      cache?.set(key, ruleSet);
      return { ok: true, ruleSet };
    }
    if (first) continue;
    const problem = diagnostics[0];
    if (problem?.code === 'limit' && problem.message.startsWith(TOO_DEEP)) first = fail(problem.message, undefined, 'limit');
    else if (!ruleSet || diagnostics.length > 0) {
      const at = candidate.file ? ` (${candidate.file}${problem ? `:${problem.line}:${problem.column}` : ''})` : '';
      first = fail(`the base \`${ref}\` does not compile${at}: ${problem?.message ?? 'no rule set'}`);
    } else first = fail(`the base \`${ref}\` was looked up, but the text found is \`${got}\``);
  }
  return first!;
}

function isList(found: BaseSource | readonly BaseSource[]): found is readonly BaseSource[] {
  return Array.isArray(found);
}

/**
 * The base of `draft` when it has `extends` (undefined, with a problem, when
 * it cannot be had), checked against the draft's own templates: a name in
 * both, or more than MAX_TEMPLATES in all, is a problem at the `extends` value.
 * `unloaded` is the ref of a base that could not be had: the names it would
 * provide (`corr_<template>`) are then not reported as unknown (check/checker.ts).
 */
export function draftBase(
  draft: Draft,
  chain: readonly string[],
  resolve: ResolveBase | undefined,
  compile: CompileBase,
  problems: FileProblem[],
  cache?: BaseCache,
): { base?: CompiledRuleSet; missingBase?: string; unloaded?: string } {
  if (!draft.extends) return {};
  const { ref, span } = draft.extends;
  const loaded = loadBase(ref, span, chain, resolve, compile, cache);
  if (!loaded.ok) {
    // Said once, by the file itself (a base's own problem is quoted in its file's message).
    const note = chain.length === 1 ? ' (the `corr_` names of its templates are not checked until it loads)' : '';
    problems.push({ ...loaded.problem, message: `${loaded.problem.message}${note}` });
    return { unloaded: ref, ...(loaded.missing ? { missingBase: loaded.missing } : {}) };
  }
  const inherited = loaded.ruleSet.templates.names;
  for (const name of draft.templates.keys()) {
    if (inherited.includes(name)) problems.push({ code: 'bad_base', message: `template \`${name}\` is defined here and in the base \`${ref}\`; give this one another name`, span });
  }
  const total = inherited.length + draft.templates.size;
  if (total > MAX_TEMPLATES) problems.push({ code: 'limit', message: `${inherited.length} templates from the base and ${draft.templates.size} here; a rule set may have at most ${MAX_TEMPLATES}`, span });
  return { base: loaded.ruleSet };
}

/** The bases a compiled rule set needs to be compiled again elsewhere (a worker): its base, then the base's own, each once. */
export function basesOf(base: CompiledRuleSet): BaseSource[] {
  const list: BaseSource[] = [{ ref: `${base.id}@${base.version}`, source: base.source }];
  for (const further of base.bases ?? []) if (!list.some((b) => b.ref === further.ref)) list.push(further);
  return list;
}

/** A resolver over a list of bases (what a compiled rule set carries). */
export function resolverOf(bases: readonly BaseSource[]): ResolveBase {
  return (ref) => bases.find((base) => base.ref === ref);
}

/**
 * `ref` among loaded rule sets (`refOf` each), else among the bases they
 * carry (a base no file serves any more still compiles what extends it): where
 * the registry and ValidateRuleSet look, so that they find the same.
 */
export function findLoaded<T, B extends { readonly ref: string }>(ref: string, loaded: Iterable<T>, refOf: (t: T) => string, basesOf: (t: T) => readonly B[] | undefined): { readonly ruleSet: T } | { readonly base: B } | undefined {
  const list = [...loaded];
  const ruleSet = list.find((t) => refOf(t) === ref);
  if (ruleSet !== undefined) return { ruleSet };
  for (const t of list) {
    const base = basesOf(t)?.find((b) => b.ref === ref);
    if (base) return { base };
  }
  return undefined;
}

/** sha256 of the text alone, or (with a base) of the text and the base's ref and digest. */
export function ruleSetDigest(source: string, base?: CompiledRuleSet): string {
  const hash = createHash('sha256').update(source, 'utf8');
  if (base) hash.update(`\0extends ${base.id}@${base.version} ${base.digest}`, 'utf8');
  return hash.digest('hex');
}
