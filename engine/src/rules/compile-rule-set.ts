// Rule-set source text → CompiledRuleSet, or every diagnostic found. The
// stages: size and nesting prescan → YAML (parseDocument, which keeps source
// ranges) → the document schema (source/document.ts) → for each rule's `when`:
// lexer → parser → checker, with spans mapped from the expression back into
// the file → compiler (fold, emit) over all rules at once.
//
// Nothing is compiled unless every stage is clean, and each stage goes on past
// its errors, so one run reports the mistakes of a file (sorted by place, at most MAX_DIAGNOSTICS).
import { parseDocument } from 'yaml';
import { groupsFor } from '../catalogue.js';
import { TemplateError } from '../errors.js';
import { TemplateSet } from '../templates.js';
import type { Diagnostic } from './diagnostics.js';
import { report } from './report.js';
import type { CompiledRule, CompiledRuleSet } from './program.js';
import { MAX_DIAGNOSTICS, MAX_EXPRESSION_CHARS, MAX_NODES_TOTAL } from './limits.js';
import { basesOf, draftBase, ruleSetDigest, type BaseCache, type ResolveBase } from './bases.js';
import { lex } from './lexer/lexer.js';
import { parse } from './parser/parser.js';
import { check } from './check/checker.js';
import { boundWarnings } from './check/bounds.js';
import { Scope } from './check/scope.js';
import { compileProgram } from './compiler/compile.js';
import type { Ir } from './compiler/ir.js';
import { LineIndex } from './source/lines.js';
import { prescan } from './source/prescan.js';
import { scalarSpanMap } from './source/scalar-map.js';
import { readDocument, type Draft, type DraftRule } from './source/document.js';
import { tagProblems } from './source/tags.js';
import { duplicateKeys } from './source/unique-keys.js';
import type { FileProblem } from './source/nodes.js';

export interface CompileRuleSetOptions {
  /** File name, for callers that keep it with the result; diagnostics carry offsets, lines and columns, and formatDiagnostics adds the name. */
  readonly file?: string;
  /** Constant folding (default on); off only to test that folding never changes a result. */
  readonly fold?: boolean;
  /** Finds the base of `extends: id@version` (rules/bases.ts); without it, a rule set with `extends` does not compile. */
  readonly resolve?: ResolveBase;
  /** The rule sets whose base is being compiled, outermost first (cycles); callers leave it out. */
  readonly chain?: readonly string[];
  /** Bases compiled so far in this scan or run (rules/bases.ts BaseCache): a shared base is compiled once. */
  readonly baseCache?: BaseCache;
}

export interface CompileRuleSetResult {
  /** Present exactly when `diagnostics` is empty. */
  readonly ruleSet?: CompiledRuleSet;
  readonly diagnostics: Diagnostic[];
  /**
   * Warnings (check/bounds.ts: out_of_range, contradiction, never_fires) of the
   * rules that type-check, sorted by place: they never keep a rule set from
   * loading. Empty when the file did not get as far as its rules.
   */
  readonly warnings: Diagnostic[];
  /** The draft's id and version when they are usable, even if other parts have errors (ValidateRuleSet reports them). */
  readonly id?: string;
  readonly version?: string;
  /** The id@version of `extends` when no such rule set was found (the registry tries again once more files have loaded). */
  readonly missingBase?: string;
}

export function compileRuleSet(source: string, options: CompileRuleSetOptions = {}): CompileRuleSetResult {
  const lines = new LineIndex(source);
  const place = (p: FileProblem): Diagnostic => ({ ...p, ...lines.position(p.span.start) });

  const tooLarge = prescan(source);
  if (tooLarge) return { diagnostics: [place(tooLarge)], warnings: [] };

  // Duplicate keys are found by duplicateKeys: yaml's own check is quadratic in the keys of a map.
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  const duplicates = duplicateKeys(doc);
  if (doc.errors.length > 0 || duplicates.length > 0) {
    const yamlProblems = doc.errors.map((e): FileProblem =>
      // The prescan bounds nesting, but an overflow inside `yaml` must still never escape as a crash.
      /call stack/i.test(e.message)
        ? { code: 'limit', message: 'the document is nested too deeply', span: { start: e.pos[0], end: e.pos[1] } }
        : { code: 'yaml', message: e.message, span: { start: e.pos[0], end: Math.max(e.pos[0], e.pos[1]) } },
    );
    return { diagnostics: report([...yamlProblems, ...duplicates], place), warnings: [] };
  }

  const { draft, problems } = readDocument(doc, lines);
  problems.push(...tagProblems(doc));
  const known = { ...(draft.id ? { id: draft.id } : {}), ...(draft.version ? { version: draft.version } : {}) };
  const self = `${draft.id || '?'}@${draft.version || '?'}`;
  const { base, missingBase, unloaded } = draftBase(draft, [...(options.chain ?? []), self], options.resolve, compileBase(options), problems, options.baseCache);
  const missing = missingBase ? { missingBase } : {};
  const inherited = base?.templates.names ?? [];
  const own = buildTemplates(draft, problems);
  const templates = own && base ? TemplateSet.merge(base.templates, own) : own;
  // A base that could not be loaded has templates nobody knows: its `corr_` names are not called unknown (one error, at `extends`).
  const scope = new Scope([...inherited, ...draft.templates.keys()], unloaded !== undefined);
  const irs: Ir[] = [];
  const warningProblems: FileProblem[] = [];
  let nodes = 0;
  for (const rule of draft.rules) {
    // Past the cap nothing more would be shown: the later rules are not even checked.
    if (problems.length > MAX_DIAGNOSTICS) break;
    const result = checkRule(source, rule, scope, nodes);
    nodes += result.nodes;
    problems.push(...result.problems);
    warningProblems.push(...result.warnings);
    if (result.ir) irs.push(result.ir);
  }
  const warnings = report(warningProblems, place, 'warning');
  if (problems.length > 0 || !templates || irs.length !== draft.rules.length) return { diagnostics: report(problems, place), warnings, ...known, ...missing };

  const compiled = compileProgram(irs, options.fold === false ? { fold: false } : {});
  if (!compiled.ok) {
    const rule = draft.rules[compiled.rule]!;
    const span = rule.when!.span;
    return { diagnostics: [place({ code: 'limit', message: compiled.message, span, rule: rule.label })], warnings, ...known };
  }
  const rules: CompiledRule[] = draft.rules.map((rule, i) => ({
    id: rule.id,
    score: rule.score,
    effect: rule.effect,
    reason: rule.reason,
    // Every rule has a `when` here: a rule without one is a problem, and nothing is compiled.
    when: rule.when!.text,
    reads: compiled.reads[i]!,
    attributes: compiled.attributes[i]!,
  }));
  const read = new Set(rules.flatMap((rule) => rule.reads));
  const featureNames = scope.features.filter((name) => read.has(name));
  const ruleSet: CompiledRuleSet = {
    id: draft.id,
    version: draft.version,
    digest: ruleSetDigest(source, base),
    ...(base ? { extends: draft.extends!.ref } : {}),
    bases: base ? basesOf(base) : [],
    source,
    description: draft.description,
    thresholds: draft.thresholds,
    minValidShare: draft.minValidShare,
    templates,
    rules,
    reasonOrder: reasonOrder(rules),
    program: compiled.program,
    featureNames,
    groups: groupsFor(featureNames),
  };
  return { ruleSet, diagnostics: [], warnings, ...known };
}

/** How a base is compiled: like the file, with the same resolver and folding, one step deeper in the chain. */
function compileBase(options: CompileRuleSetOptions) {
  return (source: string, resolve: ResolveBase | undefined, chain: readonly string[], file?: string) =>
    compileRuleSet(source, { ...(file ? { file } : {}), ...(options.fold === false ? { fold: false } : {}), ...(resolve ? { resolve } : {}), ...(options.baseCache ? { baseCache: options.baseCache } : {}), chain });
}

/** Lexes, parses and checks one rule's `when`; problems are placed in the file. */
function checkRule(source: string, rule: DraftRule, scope: Scope, nodesBefore: number): { ir?: Ir; problems: FileProblem[]; warnings: FileProblem[]; nodes: number } {
  const when = rule.when;
  if (!when) return { problems: [], warnings: [], nodes: 0 };
  const inRule = (p: { code: FileProblem['code']; message: string; span: FileProblem['span'] }): FileProblem => ({ ...p, rule: rule.label });
  if (when.text.length > MAX_EXPRESSION_CHARS) {
    return { problems: [inRule({ code: 'limit', message: `\`when\` is longer than ${MAX_EXPRESSION_CHARS} characters; split the rule`, span: when.span })], warnings: [], nodes: 0 };
  }
  const toFile = scalarSpanMap(source, when.node, when.text);
  const local = (p: { code: FileProblem['code']; message: string; span: FileProblem['span'] }): FileProblem => inRule({ ...p, span: toFile(p.span) });
  const lexed = lex(when.text);
  const parsed = parse(lexed.tokens);
  const problems = [...lexed.problems, ...parsed.problems].map(local);
  if (nodesBefore + parsed.nodes > MAX_NODES_TOTAL && nodesBefore <= MAX_NODES_TOTAL) {
    problems.push(inRule({ code: 'limit', message: `the rules have more than ${MAX_NODES_TOTAL} expression parts in all`, span: when.span }));
  }
  if (!parsed.expr || problems.length > 0) {
    // A repaired parse (a stray character skipped, a chain split) can still be checked: more mistakes in one run.
    if (parsed.expr) problems.push(...check(parsed.expr, scope).problems.map(local));
    return { problems, warnings: [], nodes: parsed.nodes };
  }
  const checked = check(parsed.expr, scope);
  // Bounds are only meaningful once every name and type is right.
  const warnings = checked.ir ? boundWarnings(parsed.expr, scope, when.text).map(local) : [];
  return { ...(checked.ir ? { ir: checked.ir } : {}), problems: checked.problems.map(local), warnings, nodes: parsed.nodes };
}

/** The TemplateSet of the draft; undefined (and a problem) if TemplateSet.from disagrees with our checks. */
function buildTemplates(draft: Draft, problems: FileProblem[]): TemplateSet | undefined {
  const complete = Object.fromEntries([...draft.templates].filter(([, values]) => values.length > 0));
  try {
    return TemplateSet.from(complete);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    problems.push({ code: 'bad_template', message: e.message, span: { start: 0, end: 0 } });
    return undefined;
  }
}

/**
 * rules.md step 4: `exempt` rules, then `red` rules (the exemption decides
 * the code, so it explains it first), each in file order; then the others by
 * score, highest first, ties in file order.
 */
export function reasonOrder(rules: readonly Pick<CompiledRule, 'effect' | 'score'>[]): Int32Array {
  const rank = (effect: CompiledRule['effect']): number => (effect === 'exempt' ? 0 : effect === 'red' ? 1 : 2);
  const order = rules.map((_, i) => i);
  order.sort((a, b) => {
    const ra = rules[a]!;
    const rb = rules[b]!;
    return rank(ra.effect) - rank(rb.effect) || (ra.effect === 'score' ? rb.score - ra.score : 0) || a - b;
  });
  return Int32Array.from(order);
}
