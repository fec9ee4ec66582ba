// Reads the rule-set document (rules.md, File) into a draft with spans.
// Every field problem is reported and reading goes on with a default, so one
// run lists all the mistakes of a file; the draft is only compiled when there
// were none. Expressions are not looked at here (compile-rule-set.ts does).
//
// Decisions:
// - Required: id, version, thresholds, rules. Optional: description (""),
//   min_valid_share (DEFAULT_MIN_VALID_SHARE), templates (none).
// - id and rule ids match [a-z0-9_-]+; version is one line of text without
//   `@` (it is addressed as id@version), kept as written.
// - A rule has a score (0..100), an effect (exempt | red), or both; reason is
//   optional text.
import { isMap, isScalar, type Document, type Node, type Scalar } from 'yaml';
import type { Span } from '../diagnostics.js';
import type { Effect } from '../program.js';
import { DEFAULT_MIN_VALID_SHARE, MAX_ID_LENGTH, MAX_RULES, MAX_TEXT_LENGTH } from '../limits.js';
import { readTemplates } from './templates.js';
import { didYouMean } from '../check/suggest.js';
import type { LineIndex } from './lines.js';
import { NodeReader, spanOf, type FileProblem } from './nodes.js';

export interface DraftRule {
  /** The rule's id, or `#<n>` (1-based) when it has none, for messages. */
  readonly label: string;
  readonly id: string;
  readonly when?: { readonly text: string; readonly node: Scalar; readonly span: Span };
  readonly score: number;
  readonly effect: Effect;
  readonly reason: string;
}

export interface Draft {
  /** '' unless the id is usable. */
  readonly id: string;
  /** '' unless the version is usable (one line, no `@`, not too long). */
  readonly version: string;
  readonly description: string;
  readonly thresholds: { readonly yellow: number; readonly red: number };
  readonly minValidShare: number;
  /** Name → values, in file order; names that are usable even when values are not (for the checker). */
  readonly templates: Map<string, number[]>;
  readonly rules: DraftRule[];
  /** `extends: id@version` (issue 15): the rule set whose templates this one uses too. */
  readonly extends?: { readonly ref: string; readonly span: Span } | undefined;
}

const ROOT_KEYS = ['id', 'version', 'description', 'extends', 'thresholds', 'min_valid_share', 'templates', 'rules'];
const RULE_KEYS = ['id', 'when', 'score', 'effect', 'reason'];
const ID = /^[a-z0-9_-]+$/;
const EFFECTS = ['exempt', 'red'];

export function readDocument(doc: Document, lines: LineIndex): { draft: Draft; problems: FileProblem[] } {
  const r = new NodeReader(doc);
  const whole: Span = { start: 0, end: 0 };
  const draft: { -readonly [K in keyof Draft]: Draft[K] } = {
    id: '', version: '', description: '', thresholds: { yellow: 0, red: 0 }, minValidShare: DEFAULT_MIN_VALID_SHARE, templates: new Map(), rules: [],
  };
  const root = r.fields(doc.contents ?? undefined, ROOT_KEYS, 'the rule set', whole);
  if (!root) return { draft, problems: r.problems };
  const rootStart = spanOf(r.resolve(doc.contents), whole);
  const at: Span = { start: rootStart.start, end: rootStart.start };
  for (const key of ['id', 'version', 'thresholds', 'rules']) {
    if (!root.has(key) && !root.misspelled.has(key)) r.report('schema', `the rule set needs \`${key}\``, at);
  }

  const id = root.get('id');
  if (id) draft.id = identifier(r, r.text(id, '`id`', at), '`id`') ?? '';
  const version = root.get('version');
  const versionText = version && r.text(version, '`version`', at);
  if (versionText) {
    const span = spanOf(versionText.node, at);
    if (!versionText.text.trim() || /[@\n\r]/.test(versionText.text) || versionText.text.length > MAX_ID_LENGTH) {
      r.report('schema', `\`version\` must be one line of at most ${MAX_ID_LENGTH} characters without \`@\``, span);
    } else draft.version = versionText.text;
  }
  const description = root.get('description');
  if (description) draft.description = text(r, r.text(description, '`description`', at), '`description`') ?? '';

  const thresholds = root.get('thresholds');
  if (thresholds) draft.thresholds = readThresholds(r, thresholds, at);

  const share = root.get('min_valid_share');
  if (share) {
    const value = r.number(share, '`min_valid_share`', at);
    if (value !== undefined && (value < 0 || value > 1)) r.report('schema', '`min_valid_share` must be between 0 and 1', r.valueSpan(share, at));
    else if (value !== undefined) draft.minValidShare = value;
  }

  const base = root.get('extends');
  const baseText = base && r.text(base, '`extends`', at);
  if (baseText) {
    const span = spanOf(baseText.node, at);
    const [baseId, ...rest] = baseText.text.split('@');
    const baseVersion = rest.join('@');
    if (!ID.test(baseId ?? '') || !baseVersion.trim() || rest.length !== 1 || /[\n\r]/.test(baseVersion) || baseText.text.length > 2 * MAX_ID_LENGTH) {
      // A pinned version: the base's id@version means one content, so this rule set's meaning never changes under it.
      const example = ID.test(baseId ?? '') ? `${baseId}@VERSION` : 'ID@VERSION';
      r.report('bad_base', `\`extends\` names the base rule set with its version, \`${example}\`, found \`${baseText.text.slice(0, 60)}\`: one version of the base must mean one content, so that this rule set never changes under its own version`, span);
    } else draft.extends = { ref: baseText.text, span };
  }

  const templates = root.get('templates');
  if (templates) draft.templates = readTemplates(r, templates.value as Node, r.valueSpan(templates, at));

  const rules = root.get('rules');
  const list = rules && r.sequence(rules, '`rules`', at);
  if (list) {
    if (list.items.length > MAX_RULES) r.report('limit', `${list.items.length} rules; a rule set may have at most ${MAX_RULES}`, spanOf(list, at));
    const seen = new Map<string, Span>();
    for (const [index, item] of list.items.slice(0, MAX_RULES).entries()) {
      const rule = readRule(r, item as Node, index, spanOf(list, at), seen, lines);
      if (rule) draft.rules.push(rule);
    }
  }
  return { draft, problems: r.problems };
}

function identifier(r: NodeReader, value: { text: string; node: Scalar } | undefined, what: string): string | undefined {
  if (!value) return undefined;
  if (!ID.test(value.text) || value.text.length > MAX_ID_LENGTH) {
    return r.report('schema', `${what} must be made of a-z, 0-9, _ and - (at most ${MAX_ID_LENGTH}), found ${JSON.stringify(value.text.slice(0, 40))}`, spanOf(value.node, { start: 0, end: 0 }));
  }
  return value.text;
}

function text(r: NodeReader, value: { text: string; node: Scalar } | undefined, what: string): string | undefined {
  if (!value) return undefined;
  if (value.text.length > MAX_TEXT_LENGTH) return r.report('limit', `${what} is longer than ${MAX_TEXT_LENGTH} characters`, spanOf(value.node, { start: 0, end: 0 }));
  return value.text;
}

function readThresholds(r: NodeReader, pair: Parameters<NodeReader['number']>[0], at: Span): { yellow: number; red: number } {
  const span = r.valueSpan(pair, at);
  const fields = r.fields(pair.value as Node, ['yellow', 'red'], '`thresholds`', span);
  if (!fields) return { yellow: 0, red: 0 };
  const values: Partial<Record<'yellow' | 'red', number>> = {};
  for (const key of ['yellow', 'red'] as const) {
    const field = fields.get(key);
    if (!field) {
      if (!fields.misspelled.has(key)) r.report('schema', `\`thresholds\` needs \`${key}\``, span);
      continue;
    }
    const value = r.number(field, `\`thresholds.${key}\``, span);
    if (value === undefined) continue;
    if (value < 0 || value > 100) r.report('bad_thresholds', `\`${key}\` is ${value}; thresholds are scores from 0 to 100`, r.valueSpan(field, span));
    else values[key] = value;
  }
  const { yellow, red } = values;
  if (yellow === undefined || red === undefined) return { yellow: 0, red: 0 };
  if (yellow > red) r.report('bad_thresholds', `\`yellow\` (${yellow}) must not be above \`red\` (${red})`, span);
  return { yellow, red };
}

function readRule(r: NodeReader, node: Node, index: number, listSpan: Span, seen: Map<string, Span>, lines: LineIndex): DraftRule | undefined {
  const label = `#${index + 1}`;
  // Name the rule by its id in every message about it, even those about keys read before the id.
  r.rule = peekId(r.resolve(node)) ?? label;
  const span = spanOf(r.resolve(node), listSpan);
  const fields = r.fields(node, RULE_KEYS, `rule ${label}`, span);
  if (!fields) return (r.rule = undefined);
  const idPair = fields.get('id');
  const idText = idPair && r.text(idPair, 'a rule `id`', span);
  const id = identifier(r, idText, 'a rule `id`');
  if (id !== undefined && idText) {
    const idSpan = spanOf(idText.node, span);
    const first = seen.get(id);
    if (first) r.report('duplicate_rule', `rule id \`${id}\` is already used on line ${lines.position(first.start).line}`, idSpan);
    else seen.set(id, idSpan);
  } else if (!idPair && !fields.misspelled.has('id')) r.report('schema', `rule ${label} needs an \`id\``, { start: span.start, end: span.start });

  const at: Span = { start: span.start, end: span.start };
  const whenPair = fields.get('when');
  const when = whenPair && r.text(whenPair, '`when`', span);
  if (!whenPair && !fields.misspelled.has('when')) r.report('schema', `rule ${r.rule} needs \`when\`, the condition under which it fires`, at);

  let score = 0;
  const scorePair = fields.get('score');
  const value = scorePair && r.number(scorePair, '`score`', span);
  if (scorePair && value !== undefined) {
    if (value < 0 || value > 100) r.report('schema', `\`score\` is ${value}; a score is from 0 to 100`, r.valueSpan(scorePair, span));
    else score = value;
  }
  let effect: Effect = 'score';
  const effectPair = fields.get('effect');
  const effectText = effectPair && r.text(effectPair, '`effect`', span);
  if (effectText) {
    if (EFFECTS.includes(effectText.text)) effect = effectText.text as Effect;
    else r.report('schema', `\`effect\` must be exempt or red, found \`${effectText.text.slice(0, 40)}\`${didYouMean(effectText.text, EFFECTS)}`, spanOf(effectText.node, span));
  }
  if (!scorePair && !effectPair && !fields.misspelled.has('score') && !fields.misspelled.has('effect')) r.report('schema', `rule ${r.rule} needs a \`score\` or an \`effect\` (exempt, red)`, at);
  const reasonPair = fields.get('reason');
  const reason = (reasonPair && text(r, r.text(reasonPair, '`reason`', span), '`reason`')) ?? '';

  const rule: DraftRule = {
    label: r.rule,
    id: id ?? '',
    ...(when ? { when: { text: when.text, node: when.node, span: spanOf(when.node, span) } } : {}),
    score,
    effect,
    reason,
  };
  r.rule = undefined;
  return rule;
}

/** The rule's id if it is a usable one, before the rule is read. */
function peekId(node: Node | undefined): string | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === 'id');
  const value = pair && isScalar(pair.value) ? pair.value.value : undefined;
  return typeof value === 'string' && ID.test(value) && value.length <= MAX_ID_LENGTH ? value : undefined;
}
