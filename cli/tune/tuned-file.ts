// The text of the proposed version (`gridcode tune`): the old file with only
// the changed numbers replaced where they are written (each rule's `score`,
// the number of a suggested comparison inside its `when`, `version`), so
// every comment, blank line and layout of the file is kept byte for byte; and
// a header comment saying what it was tuned on. The new text is compiled as
// `gridcode check` compiles it before anything is written: an invalid one is
// refused.
import { isMap, isScalar, isSeq, parse, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { compileRuleSet, type CompiledRuleSet } from '../../engine/src/index.js';
import { resolverOf } from '../../engine/src/rules/bases.js';
import { formatDiagnostics } from '../../engine/src/rules/format.js';
import { scalarSpanMap } from '../../engine/src/rules/source/scalar-map.js';
import type { LearnedScore, ThresholdSuggestion } from '../../engine/src/tuning/index.js';
import { CommandError } from '../errors.js';

export interface TunedEdits {
  readonly scores: readonly LearnedScore[];
  readonly suggestions: readonly ThresholdSuggestion[];
  readonly version: string;
  /** Comment lines (without `# `) put before the file's first line. */
  readonly header: readonly string[];
}

interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The new source and its compiled rule set; throws CommandError when it would not compile (a bug, never a file to write). */
export function tunedRuleSet(old: CompiledRuleSet, edits: TunedEdits): { source: string; ruleSet: CompiledRuleSet } {
  const source = old.source;
  const doc = parseDocument(source, { keepSourceTokens: false, uniqueKeys: false });
  const splices: Splice[] = [];
  const versionNode = doc.get('version', true);
  if (!isScalar(versionNode) || !versionNode.range) throw new CommandError(`${old.id}@${old.version}: no \`version\` scalar to change`);
  splices.push({ start: versionNode.range[0], end: versionNode.range[1], text: yamlString(edits.version) });
  const rules = doc.get('rules', true);
  const byId = new Map<string, YAMLMap>();
  if (isSeq(rules)) for (const item of rules.items) if (isMap(item)) byId.set(String(item.get('id')), item);
  for (const learned of edits.scores) {
    if (learned.after === learned.before) continue;
    const node = byId.get(learned.rule)?.get('score', true);
    if (!isScalar(node) || !node.range) throw new CommandError(`rule ${learned.rule}: no \`score\` written in the file to change`);
    splices.push({ start: node.range[0], end: node.range[1], text: String(learned.after) });
  }
  for (const s of edits.suggestions) {
    const node = byId.get(s.rule)?.get('when', true);
    if (!isScalar(node) || typeof node.value !== 'string') throw new CommandError(`rule ${s.rule}: no \`when\` text to change`);
    const at = scalarSpanMap(source, node as Scalar, node.value)(s.cut.span);
    if (Number(source.slice(at.start, at.end)) !== s.cut.value) throw new CommandError(`rule ${s.rule}: cannot find ${s.cut.value} where the file writes its \`when\`; change it by hand to ${s.to}`);
    splices.push({ start: at.start, end: at.end, text: String(s.to) });
  }
  let text = source;
  for (const splice of [...splices].sort((x, y) => y.start - x.start)) text = text.slice(0, splice.start) + splice.text + text.slice(splice.end);
  if (edits.header.length > 0) text = `${edits.header.map((line) => `# ${line}`.trimEnd()).join('\n')}\n#\n${text}`;
  const { ruleSet, diagnostics } = compileRuleSet(text, { resolve: resolverOf(old.bases ?? []) });
  if (!ruleSet || diagnostics.length > 0) {
    throw new CommandError(`the tuned version does not pass gridcode check, so it is not written:\n${formatDiagnostics(diagnostics, text, 'tuned version').trimEnd()}`);
  }
  // What was meant is what compiled: every learned score, and each suggested number in its rule's `when`.
  const compiled = new Map(ruleSet.rules.map((rule) => [rule.id, rule]));
  for (const learned of edits.scores) {
    if (compiled.get(learned.rule)?.score !== learned.after) throw new CommandError(`rule ${learned.rule}: the tuned file scores it ${compiled.get(learned.rule)?.score}, not ${learned.after}`);
  }
  return { source: text, ruleSet };
}

/** A version as a YAML scalar: plain when YAML reads it back as that string, else double-quoted. */
function yamlString(value: string): string {
  try {
    if (!value.includes('#') && parse(value) === value) return value;
  } catch {
    // Not a plain scalar: quoted below.
  }
  return JSON.stringify(value);
}
