// The gateway's Prometheus metrics, in a registry of their own (never
// prom-client's global one, so that tests and embedders get a clean set).
// Names follow the Prometheus conventions: a `gridcode_` prefix, base units
// in the name (seconds, bytes), `_total` on counters and only on counters.
// Label values come from closed sets (methods, protocols, codes) or from the
// operator's own files (rule-set ids, rule ids, file names): a client can
// never create a series.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RegistryEvent } from '../../engine/src/index.js';
import { ERROR_CODES } from '../rpc/codes.js';
import { METHODS, STREAM_METHODS } from '../rpc/types.js';
import { readBuildInfo, type BuildInfo } from './build-info.js';
import { pickSources, registerScrapeGauges, type ScrapeSources } from './scrape-gauges.js';
import { TenantRequests } from './tenant-requests.js';

export type { AdmissionStats, BodyArenaStats, PoolStats, ScrapeSources } from './scrape-gauges.js';

/** One finished RPC. */
export interface RequestObservation {
  readonly method: string;
  readonly protocol: string;
  /** `ok` or an error code of codes.ts. */
  readonly code: string;
  readonly seconds: number;
  /** The authenticated tenant's id, if the call got that far (gridcode_tenant_requests_total). */
  readonly tenant?: string;
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

/** Why a request was refused with resource_exhausted before any work: the byte budget or the pool's queue. */
export const REFUSAL_REASONS = ['inflight_bytes', 'queue_full'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface GatewayMetricsOptions extends ScrapeSources {
  /** gridcode_build_info's labels (default: readBuildInfo()). */
  readonly buildInfo?: BuildInfo;
  /** Node.js process metrics (default true). */
  readonly processMetrics?: boolean;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'protocol' | 'code'>;
  private readonly duration: Histogram<'method' | 'protocol'>;
  private readonly scored: Counter<'rule_set' | 'code'>;
  private readonly batchConsumers: Histogram<string>;
  private readonly engine: Histogram<string>;
  private readonly ruleHits: Counter<'rule_set' | 'rule'>;
  private readonly loadFailures: Counter<'file'>;
  private readonly loads: Counter<'file'>;
  /** What the scrape-time gauges read; parts are bound late (bind). */
  private sources: ScrapeSources;
  private readonly refusals: Counter<'reason'>;
  private readonly tokensReloadFailures: Counter<string>;
  private readonly tenantRequests: TenantRequests;

  constructor(options: GatewayMetricsOptions = {}) {
    this.sources = pickSources(options);
    const registers = [this.registry];

    this.requests = new Counter({ name: 'gridcode_requests_total', help: 'RPCs answered, by method, protocol and result code (ok or the error code)', labelNames: ['method', 'protocol', 'code'], registers });
    this.duration = new Histogram({ name: 'gridcode_request_duration_seconds', help: 'Time from receiving an RPC to its last byte sent, by method and protocol', labelNames: ['method', 'protocol'], buckets: SECONDS_BUCKETS, registers });
    this.scored = new Counter({ name: 'gridcode_consumers_scored_total', help: 'Consumers given a health code, by rule set id and code', labelNames: ['rule_set', 'code'], registers });
    this.batchConsumers = new Histogram({ name: 'gridcode_batch_consumers', help: 'Consumers per scored batch', buckets: BATCH_BUCKETS, registers });
    this.engine = new Histogram({ name: 'gridcode_engine_seconds', help: 'Time the engine spent on a batch (features, rules and codes), in the worker', buckets: SECONDS_BUCKETS, registers });
    this.ruleHits = new Counter({ name: 'gridcode_rule_hits_total', help: 'Consumers a rule fired for, by rule set id and rule id', labelNames: ['rule_set', 'rule'], registers });
    this.loadFailures = new Counter({ name: 'gridcode_rule_set_load_failures_total', help: 'Rule-set files that could not be loaded (the previous version stays served), by file', labelNames: ['file'], registers });
    this.loads = new Counter({ name: 'gridcode_rule_set_loads_total', help: 'Rule-set versions loaded, by file', labelNames: ['file'], registers });

    this.refusals = new Counter({ name: 'gridcode_requests_refused_total', help: 'Requests refused at once with resource_exhausted because the server was full, by reason (inflight_bytes: the request byte budget; queue_full: the scoring queue)', labelNames: ['reason'], registers });
    for (const reason of REFUSAL_REASONS) this.refusals.inc({ reason }, 0);
    registerScrapeGauges(this.registry, () => this.sources);

    const build = options.buildInfo ?? readBuildInfo();
    new Gauge({ name: 'gridcode_build_info', help: 'The build this process runs: package version, commit (unknown when not known) and Node.js version; value 1', labelNames: ['version', 'commit', 'node'], registers }).set(
      { version: build.version, commit: build.commit, node: build.node },
      1,
    );
    this.tokensReloadFailures = new Counter({ name: 'gridcode_tokens_reload_failures_total', help: 'Rereads (SIGHUP) of the tokens file or the metrics token file that failed; the previous tokens stay in use', registers });
    this.tenantRequests = new TenantRequests(this.registry);

    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
      for (const name of REJECTED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    }
  }

  /** Late binding for parts that start after the metrics (the pool, the registry, readiness). */
  bind(sources: GatewayMetricsOptions): void {
    this.sources = { ...this.sources, ...pickSources(sources) };
  }

  /** The tenant ids of the tokens file, at start and after each reload; undefined without a tokens file (every call is anonymous). */
  setTenants(ids: readonly string[] | undefined): void {
    this.tenantRequests.setTenants(ids);
  }

  /** A reread of a tokens file failed (the previous tokens stay). */
  observeTokensReloadFailure(): void {
    this.tokensReloadFailures.inc();
  }

  observeRequest(request: RequestObservation): void {
    const method = (METHODS as readonly string[]).includes(request.method) || (STREAM_METHODS as readonly string[]).includes(request.method) ? request.method : 'other';
    const protocol = (PROTOCOLS as readonly string[]).includes(request.protocol) ? request.protocol : 'other';
    const code = request.code === 'ok' || Object.hasOwn(ERROR_CODES, request.code) ? request.code : 'unknown';
    this.requests.inc({ method, protocol, code });
    this.tenantRequests.observe(request.tenant, code);
    if (Number.isFinite(request.seconds) && request.seconds >= 0) this.duration.observe({ method, protocol }, request.seconds);
  }

  /** One request refused at once because the server was full. */
  observeRefusal(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  observeBatch(batch: BatchObservation): void {
    this.batchConsumers.observe(batch.consumers);
    // Every code of a rule set is created (at 0) with its first batch, so a
    // rate by code reads 0, not "no data", for a code it has not given yet.
    for (const code of SCORED_CODES) this.scored.inc({ rule_set: batch.ruleSet, code }, batch.codes[code] ?? 0);
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
