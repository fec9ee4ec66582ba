// What the metrics count of a batch scored in one or more parts (the response
// itself is put together by the engine's codec, engine/src/codec/response-parts.ts).
import type { BatchStats, ScorePart } from './protocol.js';

/** The stats of the parts together. */
export function statsOf(parts: readonly ScorePart[]): BatchStats {
  const first = parts[0]!;
  return {
    ruleSet: first.ruleSet,
    ruleIds: first.ruleIds,
    counts: first.counts.map((_, i) => parts.reduce((n, part) => n + (part.counts[i] ?? 0), 0)),
    hits: first.hits.map((_, r) => parts.reduce((n, part) => n + (part.hits[r] ?? 0), 0)),
    engineSeconds: parts.reduce((sum, part) => sum + part.engineSeconds, 0),
  };
}
