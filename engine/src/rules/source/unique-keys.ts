// Duplicate map keys, found in one linear pass. The yaml package's own check
// (`uniqueKeys: true`) compares each key with every earlier one of its map:
// 50,000 keys in a 500 KB draft took over a minute. Same rule as yaml's:
// scalar keys are equal when their values are (so `1` and "1" differ).
import { isMap, isScalar, visit, type Document } from 'yaml';
import type { FileProblem } from './nodes.js';

export function duplicateKeys(doc: Document): FileProblem[] {
  const problems: FileProblem[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const value: unknown = pair.key.value;
        const key = `${typeof value}:${String(value)}`;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const [start = 0, end = start] = pair.key.range ?? [];
        // yaml's message, so that drafts read the same as before this check moved here.
        problems.push({ code: 'yaml', message: 'Map keys must be unique', span: { start, end: Math.max(start, end) } });
      }
    },
  });
  return problems;
}
