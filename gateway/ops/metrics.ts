// The gateway's Prometheus metrics, in a registry of their own (never
// prom-client's global one, so that tests and embedders get a clean set).
// Names follow the Prometheus conventions: a `gridcode_` prefix, base units
// in the name (seconds, bytes), `_total` on counters and only on counters.
// Label values come from closed sets (methods, protocols, codes) or from the
// operator's own files (rule-set ids, rule ids, file names): a client can
// never create a series.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CompiledRuleSet, RegistryEvent } from '../../engine/src/index.js';
import { ERROR_CODES } from '../rpc/codes.js';
import { METHODS, STREAM_METHODS } from '../rpc/types.js';

/** What the pool reports (a subset of gateway/pool's PoolStats); read when /metrics is scraped. */
export interface PoolStats {
  /** Tasks waiting for a worker. */
  readonly queueSize: number;
  /** Share of worker time spent running tasks, 0..1. */
  readonly utilization: number;
  /** Worker threads. */
  readonly threads: number;
  /** Workers that died and were replaced since the pool started. */
  readonly workerDeaths?: number;
}

/** One finished RPC. */
export interface RequestObservation {
  readonly method: string;
  readonly protocol: string;
  /** `ok` or an error code of codes.ts. */
  readonly code: string;
  readonly seconds: number;
}

/** The outcome of one scored batch. */
export interface BatchObservation {
  /** The id of the rule set used (not `id@version`: versions are in gridcode_rule_set_info). */
  readonly ruleSet: string;
  readonly consumers: number;
  /** Consumers per code. */
  readonly codes: Readonly<Partial<Record<ScoredCode, number>>>;
  /** Consumers each rule fired for (Summary.rule_hits). */
  readonly ruleHits?: Readonly<Record<string, number>>;
  /** Time spent in the engine (features, rules, codes), seconds. */
  readonly engineSeconds?: number;
}

export const SCORED_CODES = ['green', 'yellow', 'red', 'gray'] as const;
export type ScoredCode = (typeof SCORED_CODES)[number];

export const PROTOCOLS = ['connect', 'grpc-web', 'grpc'] as const;

/** Default process metrics that `promtool check metrics` rejects (gauges named `_total`). */
export const REJECTED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'] as const;

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const BATCH_BUCKETS = [1, 10, 100, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000];

/** The admission byte budget (gateway/middleware/admission/byte-budget.ts); read when /metrics is scraped. */
export interface AdmissionStats {
  readonly inFlight: number;
  readonly limit: number;
  readonly peak: number;
}

/** Why a request was refused with resource_exhausted before any work: the byte budget or the pool's queue. */
export const REFUSAL_REASONS = ['inflight_bytes', 'queue_full'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface GatewayMetricsOptions {
  /** Read at scrape time; undefined while there is no pool. */
  readonly poolStats?: () => PoolStats | undefined;
  /** Read at scrape time: the rule sets served now (registry.list()). */
  readonly ruleSets?: () => readonly CompiledRuleSet[];
  /** Read at scrape time: whether /readyz says ready. */
  readonly ready?: () => boolean;
  /** Read at scrape time: the request bytes held by accepted requests. */
  readonly admission?: () => AdmissionStats | undefined;
  /** Node.js process metrics (default true). */
  readonly processMetrics?: boolean;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'protocol' | 'code'>;
  private readonly duration: Histogram<'method' | 'protocol'>;
  private readonly scored: Counter<'code'>;
  private readonly batchConsumers: Histogram<string>;
  private readonly engine: Histogram<string>;
  private readonly ruleHits: Counter<'rule_set' | 'rule'>;
  private readonly loadFailures: Counter<'file'>;
  private readonly loads: Counter<'file'>;
  private poolStats: (() => PoolStats | undefined) | undefined;
  private ruleSets: (() => readonly CompiledRuleSet[]) | undefined;
  private ready: (() => boolean) | undefined;
  private admission: (() => AdmissionStats | undefined) | undefined;
  private readonly refusals: Counter<'reason'>;

  constructor(options: GatewayMetricsOptions = {}) {
    this.poolStats = options.poolStats;
    this.ruleSets = options.ruleSets;
    this.ready = options.ready;
    this.admission = options.admission;
    const registers = [this.registry];
    // Arrow functions below read `self`: prom-client calls collect() with `this` bound to the metric.
    const self = this;

    this.requests = new Counter({ name: 'gridcode_requests_total', help: 'RPCs answered, by method, protocol and result code (ok or the error code)', labelNames: ['method', 'protocol', 'code'], registers });
    this.duration = new Histogram({ name: 'gridcode_request_duration_seconds', help: 'Time from receiving an RPC to its last byte sent, by method and protocol', labelNames: ['method', 'protocol'], buckets: SECONDS_BUCKETS, registers });
    this.scored = new Counter({ name: 'gridcode_consumers_scored_total', help: 'Consumers given a health code, by code', labelNames: ['code'], registers });
    for (const code of SCORED_CODES) this.scored.inc({ code }, 0);
    this.batchConsumers = new Histogram({ name: 'gridcode_batch_consumers', help: 'Consumers per scored batch', buckets: BATCH_BUCKETS, registers });
    this.engine = new Histogram({ name: 'gridcode_engine_seconds', help: 'Time the engine spent on a batch (features, rules and codes), in the worker', buckets: SECONDS_BUCKETS, registers });
    this.ruleHits = new Counter({ name: 'gridcode_rule_hits_total', help: 'Consumers a rule fired for, by rule set id and rule id', labelNames: ['rule_set', 'rule'], registers });
    this.loadFailures = new Counter({ name: 'gridcode_rule_set_load_failures_total', help: 'Rule-set files that could not be loaded (the previous version stays served), by file', labelNames: ['file'], registers });
    this.loads = new Counter({ name: 'gridcode_rule_set_loads_total', help: 'Rule-set versions loaded, by file', labelNames: ['file'], registers });

    this.refusals = new Counter({ name: 'gridcode_requests_refused_total', help: 'Requests refused at once with resource_exhausted because the server was full, by reason (inflight_bytes: the request byte budget; queue_full: the scoring queue)', labelNames: ['reason'], registers });
    for (const reason of REFUSAL_REASONS) this.refusals.inc({ reason }, 0);
    const admissionGauge = (name: string, help: string, read: (stats: AdmissionStats) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const stats = self.admission?.();
          this.set(stats ? read(stats) : 0);
        },
      });
    };
    admissionGauge('gridcode_inflight_request_bytes', 'Request bytes held by accepted requests (being read, waiting for a worker, being scored; JSON weighted for its decoded copy)', (s) => s.inFlight);
    admissionGauge('gridcode_inflight_request_bytes_limit', 'The request byte budget (maxInflightBytes): beyond it requests are refused with resource_exhausted', (s) => s.limit);
    admissionGauge('gridcode_inflight_request_bytes_peak', 'The most request bytes held at once since the start', (s) => s.peak);

    new Gauge({
      name: 'gridcode_rule_set_info',
      help: 'The rule sets served: one series per loaded version, value 1',
      labelNames: ['id', 'version', 'digest'],
      registers,
      collect() {
        this.reset();
        for (const ruleSet of self.ruleSets?.() ?? []) this.set({ id: ruleSet.id, version: ruleSet.version, digest: ruleSet.digest }, 1);
      },
    });
    new Gauge({
      name: 'gridcode_pool_queue_depth',
      help: 'Scoring tasks waiting for a worker',
      registers,
      collect() {
        this.set(self.poolStats?.()?.queueSize ?? 0);
      },
    });
    new Gauge({
      name: 'gridcode_pool_utilization_ratio',
      help: 'Share of worker time spent scoring (0 to 1)',
      registers,
      collect() {
        const utilization = self.poolStats?.()?.utilization ?? 0;
        this.set(Number.isFinite(utilization) ? Math.min(1, Math.max(0, utilization)) : 0);
      },
    });
    new Gauge({
      name: 'gridcode_pool_workers',
      help: 'Scoring worker threads up',
      registers,
      collect() {
        this.set(self.poolStats?.()?.threads ?? 0);
      },
    });
    new Counter({
      name: 'gridcode_worker_restarts_total',
      help: 'Scoring workers that died (exited or crashed mid-batch) and were replaced',
      registers,
      collect() {
        // The pool counts; this mirrors its count at scrape time.
        this.reset();
        this.inc(self.poolStats?.()?.workerDeaths ?? 0);
      },
    });
    new Gauge({
      name: 'gridcode_ready',
      help: '1 when /readyz says ready (engine compiled, workers up, rule sets loaded, not draining), else 0',
      registers,
      collect() {
        this.set(self.ready?.() === true ? 1 : 0);
      },
    });

    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
      for (const name of REJECTED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    }
  }

  /** Late binding for parts that start after the metrics (the pool, the registry, readiness). */
  bind(sources: GatewayMetricsOptions): void {
    if (sources.poolStats) this.poolStats = sources.poolStats;
    if (sources.ruleSets) this.ruleSets = sources.ruleSets;
    if (sources.ready) this.ready = sources.ready;
    if (sources.admission) this.admission = sources.admission;
  }

  observeRequest(request: RequestObservation): void {
    const method = (METHODS as readonly string[]).includes(request.method) || (STREAM_METHODS as readonly string[]).includes(request.method) ? request.method : 'other';
    const protocol = (PROTOCOLS as readonly string[]).includes(request.protocol) ? request.protocol : 'other';
    const code = request.code === 'ok' || Object.hasOwn(ERROR_CODES, request.code) ? request.code : 'unknown';
    this.requests.inc({ method, protocol, code });
    if (Number.isFinite(request.seconds) && request.seconds >= 0) this.duration.observe({ method, protocol }, request.seconds);
  }

  /** One request refused at once because the server was full. */
  observeRefusal(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  observeBatch(batch: BatchObservation): void {
    this.batchConsumers.observe(batch.consumers);
    for (const code of SCORED_CODES) {
      const n = batch.codes[code] ?? 0;
      if (n > 0) this.scored.inc({ code }, n);
    }
    for (const [rule, hits] of Object.entries(batch.ruleHits ?? {})) if (hits > 0) this.ruleHits.inc({ rule_set: batch.ruleSet, rule }, hits);
    if (batch.engineSeconds !== undefined && Number.isFinite(batch.engineSeconds) && batch.engineSeconds >= 0) this.engine.observe(batch.engineSeconds);
  }

  /** For RuleSetRegistry's onEvent. Never throws. */
  onRegistryEvent = (event: RegistryEvent): void => {
    try {
      if (event.type === 'failed') this.loadFailures.inc({ file: event.file });
      else if (event.type === 'loaded') {
        this.loads.inc({ file: event.file });
        // A file that loads has no failures to show until the next one; keep the series so rate() works.
        this.loadFailures.inc({ file: event.file }, 0);
      }
    } catch {
      // metrics must never break the registry
    }
  };

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text for GET /metrics. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
