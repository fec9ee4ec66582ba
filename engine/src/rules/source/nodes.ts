// Small readers over `yaml` nodes that keep source ranges: each returns the
// value or records a `schema` problem that points at the node, so the
// document reader (document.ts) stays a list of fields.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { DiagnosticCode, Span } from '../diagnostics.js';
import { nearest } from '../check/suggest.js';

/** A problem placed in the file, maybe inside a rule. */
export interface FileProblem {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
  readonly rule?: string;
}

/** The known keys present, by name; `misspelled` holds known keys an unknown key was taken for (not reported missing again). */
export type Fields = Map<string, Pair<unknown, unknown>> & { readonly misspelled: Set<string> };

export class NodeReader {
  readonly problems: FileProblem[] = [];
  /** The rule being read, attached to every problem. */
  rule: string | undefined;

  constructor(private readonly doc: Document) {}

  report(code: DiagnosticCode, message: string, span: Span): undefined {
    this.problems.push(this.rule === undefined ? { code, message, span } : { code, message, span, rule: this.rule });
    return undefined;
  }

  /** The node an alias stands for; aliases are resolved once (anchors name nodes, not aliases). */
  resolve(node: unknown): Node | undefined {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? undefined;
    return (node as Node | null) ?? undefined;
  }

  /**
   * The pairs of a mapping whose keys are plain strings, by key; unknown keys
   * and keys that are not strings are reported with the nearest known one.
   */
  fields(node: Node | undefined, known: readonly string[], where: string, fallback: Span): Fields | undefined {
    const map = this.resolve(node);
    if (!isMap(map)) return this.report('schema', `${where} must be a mapping of ${known.join(', ')}`, map ? spanOf(map, fallback) : fallback);
    const fields: Fields = Object.assign(new Map<string, Pair<unknown, unknown>>(), { misspelled: new Set<string>() });
    for (const pair of (map as YAMLMap<unknown, unknown>).items) {
      const key = pair.key;
      const name = isScalar(key) ? key.value : undefined;
      const keySpan = spanOf(key as Node, spanOf(map, fallback));
      if (typeof name !== 'string') this.report('schema', `${where}: keys must be names, one of ${known.join(', ')}`, keySpan);
      else if (!known.includes(name)) {
        const meant = nearest(name, known);
        if (meant) fields.misspelled.add(meant);
        this.report('schema', `unknown key \`${name}\` in ${where}${meant ? `; did you mean \`${meant}\`?` : `; keys are ${known.join(', ')}`}`, keySpan);
      }
      else fields.set(name, pair);
    }
    return fields;
  }

  /** Span of a pair's value, or of its key when the value is empty. */
  valueSpan(pair: Pair<unknown, unknown>, fallback: Span): Span {
    return spanOf(this.resolve(pair.value), spanOf(pair.key as Node, fallback));
  }

  number(pair: Pair<unknown, unknown>, what: string, fallback: Span): number | undefined {
    const node = this.resolve(pair.value);
    if (isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value)) return node.value;
    return this.report('schema', `${what} must be a number`, this.valueSpan(pair, fallback));
  }

  /**
   * Text of a scalar. Numbers and booleans give their source text, so
   * `version: 1.10` stays "1.10" and `when: true` stays "true".
   */
  text(pair: Pair<unknown, unknown>, what: string, fallback: Span): { text: string; node: Scalar } | undefined {
    const node = this.resolve(pair.value);
    if (!isScalar(node) || node.value === null) return this.report('schema', `${what} must be text`, this.valueSpan(pair, fallback));
    const text = typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
    return { text, node };
  }

  sequence(pair: Pair<unknown, unknown>, what: string, fallback: Span): YAMLSeq<unknown> | undefined {
    const node = this.resolve(pair.value);
    if (isSeq(node)) return node as YAMLSeq<unknown>;
    return this.report('schema', `${what} must be a list`, this.valueSpan(pair, fallback));
  }
}

/** [start, end) of a node's value, or `fallback` for a node without a range. */
export function spanOf(node: Node | null | undefined, fallback: Span): Span {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : fallback;
}
