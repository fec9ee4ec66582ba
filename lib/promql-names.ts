// The metric names a PromQL expression reads, for the check that every name
// the Grafana dashboard and the alert rules use is one the gateway exports
// (tests/ops/monitoring-names.e2e.test.ts, bench/monitoring). Not a PromQL
// parser: a tokenizer that drops what cannot be a metric name — strings,
// label matchers `{…}`, ranges and subqueries `[…]`, numbers and durations,
// the label lists of by/without/on/ignoring/group_left/group_right, function
// and aggregation names (an identifier before `(`), and keywords.
// PromQL's grammar: prometheus.io/docs/prometheus/latest/querying/basics/.

/** Binary operators and modifiers spelt as words; `inf` and `nan` are numbers. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);
/** Words followed by a list of label names in parentheses. */
const LABEL_LIST = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

export class PromqlNameError extends Error {
  override readonly name = 'PromqlNameError';
}

/**
 * The metric names `expr` selects, in order of first use, each once. Grafana
 * variables (`$job`, `${job}`, `$__rate_interval`) may appear where PromQL
 * allows a string or a duration. Throws PromqlNameError on an unterminated
 * string, `{` or `[`, or unbalanced parentheses, naming the expression.
 */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  const fail = (what: string): never => {
    throw new PromqlNameError(`${what} in PromQL expression ${JSON.stringify(expr)}`);
  };
  let depth = 0;
  let i = 0;
  let previousWord = '';
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i) ?? fail(`an unterminated string at ${i}`);
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let j = i + 1;
      while (j < expr.length && expr[j] !== close) j = expr[j] === '"' || expr[j] === "'" || expr[j] === '`' ? (skipString(expr, j) ?? fail(`an unterminated string at ${j}`)) : j + 1;
      if (j >= expr.length) fail(`an unterminated ${c} at ${i}`);
      i = j + 1;
    } else if (c === '(') {
      depth++;
      i++;
      if (LABEL_LIST.has(previousWord)) {
        // A list of label names: skip to its `)`.
        const end = expr.indexOf(')', i);
        if (end < 0) fail(`an unterminated ${previousWord} (…) at ${i - 1}`);
        i = end + 1;
        depth--;
      }
      previousWord = '';
    } else if (c === ')') {
      if (--depth < 0) fail(`an unmatched ) at ${i}`);
      i++;
      previousWord = '';
    } else if (c === '$') {
      // A Grafana variable: $name or ${name…}.
      const match = /^\$(\{[^}]*\}|\w+)/.exec(expr.slice(i)) ?? fail(`a lone $ at ${i}`);
      i += match[0].length;
    } else if (/[0-9.]/.test(c)) {
      // A number (1e3, 0x1f, 0.99) or a duration (5m, 1h30m): never a name.
      i += /^[0-9.][0-9a-zA-Z_.+-]*/.exec(expr.slice(i))![0].replace(/(?<![eE])[+-].*$/, '').length;
      previousWord = '';
    } else if (/[a-zA-Z_:]/.test(c)) {
      const word = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i))![0];
      i += word.length;
      // A function or aggregation: followed by `(`, or by `by`/`without` (`sum by (le) (…)`).
      const call = /^\s*(\(|(by|without)\s*\()/i.test(expr.slice(i));
      const lower = word.toLowerCase();
      if (!KEYWORDS.has(lower) && !call && !names.includes(word)) names.push(word);
      previousWord = lower;
    } else {
      i++;
      if (!/\s/.test(c)) previousWord = '';
    }
  }
  if (depth !== 0) fail('an unclosed (');
  return names;
}

/** The index after the string that opens at `start`, or undefined when it does not close. */
function skipString(expr: string, start: number): number | undefined {
  const quote = expr[start]!;
  for (let i = start + 1; i < expr.length; i++) {
    if (expr[i] === '\\' && quote !== '`') i++;
    else if (expr[i] === quote) return i + 1;
  }
  return undefined;
}

/** The selector of a Grafana `label_values(selector, label)` variable query (its metric names read like an expression); other queries as they are. */
export function variableQueryExpr(query: string): string {
  const match = /^\s*label_values\s*\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
  return match ? match[1]! : query;
}

/** `_bucket`, `_sum` and `_count` name the series of a histogram (or summary) family. */
export function histogramFamily(name: string): string | undefined {
  const match = /^(.+)_(bucket|sum|count)$/.exec(name);
  return match ? match[1] : undefined;
}
