// Reads Prometheus text exposition: the samples of one metric with their labels.
// For the tests and the benchmarks that read the gateway's GET /metrics.

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;
  for (const match of text.matchAll(pattern)) labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

/** Every sample of metric `name` (exact sample name, e.g. `gridcode_requests_total`). */
export function samples(exposition: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!match || match[1] !== name) continue;
    const raw = match[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    out.push({ labels: parseLabels(match[2] ?? ''), value });
  }
  return out;
}

/** The value of the sample of `name` whose labels include `labels`, 0 when there is none; summed if several match. */
export function valueOf(exposition: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return samples(exposition, name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
