// lib/promql-names.ts: the metric names of PromQL expressions, each case's
// names written out by hand from the PromQL grammar.
import { describe, expect, it } from 'vitest';
import { histogramFamily, metricNames, PromqlNameError, variableQueryExpr } from '../../lib/promql-names.js';

describe('metricNames', () => {
  const cases: [string, string[]][] = [
    ['up', ['up']],
    ['gridcode_ready{job="$job", instance=~"$instance"} == 0', ['gridcode_ready']],
    ['sum by (method, code) (rate(gridcode_requests_total{code!="ok"}[$__rate_interval]))', ['gridcode_requests_total']],
    ['sum(rate(a_total[5m])) by (le) / ignoring(le) group_left(x) b', ['a_total', 'b']],
    ['histogram_quantile(0.99, sum by (job, le) (rate(x_bucket{method!="ScoreStream"}[5m])))', ['x_bucket']],
    ['predict_linear(rss[1h], 6 * 3600) > 2 * 1024 * 1024 * 1024 and deriv(rss[1h]) > 0', ['rss']],
    ['topk(10, sum without (instance) (increase(hits_total[1h] offset 5m)))', ['hits_total']],
    ['label_replace(m, "dst", "$1", "src", "(by|rate)\\"x")', ['m']],
    ['max_over_time(rate(c_total[1m])[10m:1m]) unless on (job) other:recorded:rate5m', ['c_total', 'other:recorded:rate5m']],
    ['count_values("v", build_info) or vector(0) + 1e-3 + Inf + NaN', ['build_info']],
    ['a and b or a', ['a', 'b']],
  ];
  for (const [expr, names] of cases) it(expr, () => expect(metricNames(expr)).toEqual(names));

  it('names an expression that does not parse', () => {
    expect(() => metricNames('rate(x[5m]')).toThrow(PromqlNameError);
    expect(() => metricNames('x{job="a}')).toThrow(/unterminated/);
    expect(() => metricNames('sum(x))')).toThrow(/unmatched \) at 6 in PromQL expression "sum\(x\)\)"/);
  });
});

describe('variableQueryExpr and histogramFamily', () => {
  it('reads the selector of label_values(selector, label)', () => {
    expect(variableQueryExpr('label_values(gridcode_build_info{job="$job"}, instance)')).toBe('gridcode_build_info{job="$job"}');
    expect(variableQueryExpr('query_result(up)')).toBe('query_result(up)');
  });
  it('names the family of _bucket, _sum and _count series only', () => {
    expect(histogramFamily('x_seconds_bucket')).toBe('x_seconds');
    expect(histogramFamily('x_seconds_count')).toBe('x_seconds');
    expect(histogramFamily('x_total')).toBeUndefined();
  });
});
