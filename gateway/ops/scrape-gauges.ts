// The metrics read when /metrics is scraped, not counted as things happen:
// the pool, the request byte budget, the rule sets and rule files, readiness.
// Each reads its source at scrape time through `sources()`, so that parts
// that start after the metrics (the pool, the registry) can be bound late.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CompiledRuleSet, FileStatus } from '../../engine/src/index.js';

/** What the pool reports (a subset of gateway/pool's PoolStats); read when /metrics is scraped. */
export interface PoolStats {
  /** Tasks waiting for a worker. */
  readonly queueSize: number;
  /** Seconds workers spent running tasks since the pool started, summed over workers. */
  readonly busySeconds: number;
  /** Worker threads. */
  readonly threads: number;
  /** Workers that died and were replaced since the pool started. */
  readonly workerDeaths?: number;
}

/** The admission byte budget (gateway/middleware/admission/byte-budget.ts); read when /metrics is scraped. */
export interface AdmissionStats {
  readonly inFlight: number;
  readonly limit: number;
  readonly peak: number;
}

/** The body arena (gateway/service/body-arena.ts, BodyArenaStats); read when /metrics is scraped. */
export interface BodyArenaStats {
  readonly leasedBytes: number;
  readonly freeBytes: number;
  readonly slabsCreated: number;
  readonly slabsReused: number;
}

export interface ScrapeSources {
  /** Undefined while there is no pool. */
  readonly poolStats?: () => PoolStats | undefined;
  /** The rule sets served now (registry.list()). */
  readonly ruleSets?: () => readonly CompiledRuleSet[];
  /** Whether /readyz says ready. */
  readonly ready?: () => boolean;
  /** The request bytes held by accepted requests. */
  readonly admission?: () => AdmissionStats | undefined;
  /** The rule-set files as the registry last saw them (registry.status()). */
  readonly ruleFiles?: () => readonly FileStatus[];
  /** The memory request bodies are read into. */
  readonly bodyArena?: () => BodyArenaStats | undefined;
}

/** Only the sources that are given (so that spreading a partial set over another keeps the other's). */
export function pickSources(options: ScrapeSources): ScrapeSources {
  const picked: { -readonly [K in keyof ScrapeSources]: ScrapeSources[K] } = {};
  if (options.poolStats) picked.poolStats = options.poolStats;
  if (options.ruleSets) picked.ruleSets = options.ruleSets;
  if (options.ready) picked.ready = options.ready;
  if (options.admission) picked.admission = options.admission;
  if (options.ruleFiles) picked.ruleFiles = options.ruleFiles;
  if (options.bodyArena) picked.bodyArena = options.bodyArena;
  return picked;
}

export function registerScrapeGauges(registry: Registry, sources: () => ScrapeSources): void {
  const registers = [registry];
  // prom-client calls collect() with `this` bound to the metric: plain functions below, arrows inside.
  const gauge = (name: string, help: string, read: (from: ScrapeSources) => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(sources()));
      },
    });
  };
  gauge('gridcode_inflight_request_bytes', 'Request bytes held by accepted requests (being read, waiting for a worker, being scored; JSON weighted for its decoded copy)', (s) => s.admission?.()?.inFlight ?? 0);
  gauge('gridcode_inflight_request_bytes_limit', 'The request byte budget (maxInflightBytes): beyond it requests are refused with resource_exhausted', (s) => s.admission?.()?.limit ?? 0);
  gauge('gridcode_inflight_request_bytes_peak', 'The most request bytes held at once since the start', (s) => s.admission?.()?.peak ?? 0);

  new Gauge({
    name: 'gridcode_rule_set_info',
    help: 'The rule sets served: one series per loaded version, value 1',
    labelNames: ['id', 'version', 'digest'],
    registers,
    collect() {
      this.reset();
      for (const ruleSet of sources().ruleSets?.() ?? []) this.set({ id: ruleSet.id, version: ruleSet.version, digest: ruleSet.digest }, 1);
    },
  });
  // A file is broken when its current content is not what it serves and it has failed (a file still being read has no failures yet).
  gauge('gridcode_rule_files_broken', 'Rule-set files whose last load failed (what they served before, if anything, is still served); back to 0 once fixed or removed', (s) =>
    (s.ruleFiles?.() ?? []).filter((file) => !file.current && file.failures > 0).length,
  );

  gauge('gridcode_pool_queue_depth', 'Scoring tasks waiting for a worker', (s) => s.poolStats?.()?.queueSize ?? 0);
  // Utilisation is rate(gridcode_pool_busy_seconds_total[5m]) / gridcode_pool_workers, in PromQL.
  new Counter({
    name: 'gridcode_pool_busy_seconds_total',
    help: 'Seconds scoring workers spent running tasks, summed over workers (not time waiting in the queue); divide its rate by gridcode_pool_workers for utilisation',
    registers,
    collect() {
      // The workers count (a shared counter); this mirrors it at scrape time.
      this.reset();
      const seconds = sources().poolStats?.()?.busySeconds ?? 0;
      if (Number.isFinite(seconds) && seconds > 0) this.inc(seconds);
    },
  });
  gauge('gridcode_pool_workers', 'Scoring worker threads up', (s) => s.poolStats?.()?.threads ?? 0);
  new Counter({
    name: 'gridcode_worker_restarts_total',
    help: 'Scoring workers that died (exited or crashed mid-batch) and were replaced',
    registers,
    collect() {
      // The pool counts; this mirrors its count at scrape time.
      this.reset();
      this.inc(sources().poolStats?.()?.workerDeaths ?? 0);
    },
  });
  new Gauge({
    name: 'gridcode_body_arena_bytes',
    help: 'Shared memory request bodies are read into, by state: leased (held by requests now) or free (kept for reuse)',
    labelNames: ['state'],
    registers,
    collect() {
      const arena = sources().bodyArena?.();
      this.set({ state: 'leased' }, arena?.leasedBytes ?? 0);
      this.set({ state: 'free' }, arena?.freeBytes ?? 0);
    },
  });
  new Counter({
    name: 'gridcode_body_arena_slabs_total',
    help: 'Body slabs handed to requests, by whether one was created or a free one reused; under a steady load nearly all are reused',
    labelNames: ['outcome'],
    registers,
    collect() {
      // The arena counts; this mirrors its counts at scrape time.
      this.reset();
      const arena = sources().bodyArena?.();
      this.inc({ outcome: 'created' }, arena?.slabsCreated ?? 0);
      this.inc({ outcome: 'reused' }, arena?.slabsReused ?? 0);
    },
  });
  gauge('gridcode_ready', '1 when /readyz says ready (engine compiled, workers up, rule sets loaded, not draining), else 0', (s) => (s.ready?.() === true ? 1 : 0));
}
