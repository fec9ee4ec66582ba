// Checks that run on the raw text before the YAML parser sees it. The `yaml`
// package recurses once per nesting level: a few thousand `[` overflow its
// stack and a million exhaust the heap and kill the process. So nesting is
// bounded here, in one linear pass, conservatively: brackets inside quoted
// strings or comments count too, which only matters for a text holding more
// than MAX_YAML_NESTING unclosed brackets.
import { MAX_SOURCE_BYTES, MAX_YAML_NESTING } from '../limits.js';
import { problem, type Problem } from '../problem.js';

export function prescan(source: string): Problem | undefined {
  // length is a lower bound of the UTF-8 size: skip the byte count for huge strings.
  if (source.length > MAX_SOURCE_BYTES || Buffer.byteLength(source, 'utf8') > MAX_SOURCE_BYTES) {
    return problem('limit', `the rule set is larger than ${MAX_SOURCE_BYTES} bytes`, { start: 0, end: 0 });
  }
  let flow = 0;
  let lineStart = true;
  let dashes = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++flow > MAX_YAML_NESTING) return tooDeep(i);
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      flow = Math.max(0, flow - 1);
    }
    // Block nesting on one line: `- - - - x` or `? ? ? x`.
    if (c === 0x0a) {
      lineStart = true;
      dashes = 0;
    } else if (lineStart && (c === 0x2d /* - */ || c === 0x3f /* ? */) && (source.charCodeAt(i + 1) === 0x20 || source.charCodeAt(i + 1) === 0x09)) {
      if (++dashes > MAX_YAML_NESTING) return tooDeep(i);
    } else if (c !== 0x20 && c !== 0x09) {
      lineStart = false;
    }
  }
  return undefined;
}

function tooDeep(at: number): Problem {
  return problem('limit', `the document is nested more than ${MAX_YAML_NESTING} levels deep`, { start: at, end: at + 1 });
}
