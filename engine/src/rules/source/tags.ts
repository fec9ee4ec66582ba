// YAML tags in a rule set: a rule set is plain data, so only the core
// schema's own tags (!!str, !!int, …) may appear. Any other tag (`!include`,
// `!!binary`, `!!js/function`) is a `schema` diagnostic, never resolved: the
// yaml package would otherwise turn `!!binary` into bytes and silently keep
// the text of unknown tags, and a reader might take `!include x` for a file.
import { isNode, visit, type Document } from 'yaml';
import type { FileProblem } from './nodes.js';

const CORE = 'tag:yaml.org,2002:';
const ALLOWED = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => CORE + name));

/** Tags are shown as written in short form (`!!binary`), and clipped. */
function shown(tag: string): string {
  const short = tag.startsWith(CORE) ? `!!${tag.slice(CORE.length)}` : tag;
  return short.length > 40 ? `${short.slice(0, 37)}...` : short;
}

export function tagProblems(doc: Document): FileProblem[] {
  const problems: FileProblem[] = [];
  visit(doc, (_, node) => {
    if (!isNode(node) || node.tag === undefined || ALLOWED.has(node.tag)) return;
    const [start = 0, end = start] = node.range ?? [];
    problems.push({ code: 'schema', message: `the YAML tag \`${shown(node.tag)}\` is not allowed: a rule set is plain data (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq)`, span: { start, end } });
  });
  return problems;
}
