// `npm start`: the gridcode scoring service. Compiles the engine once, opens
// the rule-set directory (watched), starts the worker pool, and serves
// Connect, gRPC-Web, /metrics, /healthz and /readyz over HTTP/1.1 on `port`
// and gRPC over h2c on `grpcPort`. Prints one line on stdout when ready;
// everything else is JSON log lines on stderr.
//
// SIGTERM (or SIGINT): /readyz turns 503 (and grpc.health.v1.Health
// NOT_SERVING) first; after drainDelayMs (during which requests are still
// served, so that load balancers that poll /readyz stop sending before
// anything is refused) the servers stop accepting connections, HTTP/2 clients
// get GOAWAY, open health Watch and reflection calls end (unavailable), and
// HTTP/1.1 keep-alive connections are closed as they go idle, so no new
// request starts (one that races in on an open HTTP/1.1 connection gets 503
// unavailable); every accepted request completes; then the pool and the
// registry close and the process exits 0.
// After shutdownTimeoutMs it gives up on what is left and exits 1. SIGHUP
// rereads the rule-set directory and the tokens file.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileEngine, RuleSetRegistry, ruleSetRef } from '../engine/src/index.js';
import { createApp } from './app.js';
import { HealthStatus } from './grpc-services/index.js';
import { openListeners, type ServingPhase } from './listeners.js';
import { ServiceError } from './rpc/codes.js';
import { OpenStreams } from './stream/open-streams.js';
import { ConfigError, USAGE, loadConfig, type GatewayConfig } from './ops/config.js';
import { createLogger, logRequest, registryLogger, type Logger } from './ops/logger.js';
import { GatewayMetrics } from './ops/metrics.js';
import { MetricsTokens } from './ops/metrics-token.js';
import { metricsExposureWarning } from './ops/exposure.js';
import { openMetricsListener, type MetricsListener } from './metrics-listener.js';
import { TenantDirectory, createAuthenticator, mayUse, type Authenticator } from './ops/tenants.js';
import { createScoringPool, type ScoringPool } from './pool/pool.js';
import { ByteBudget } from './middleware/admission/byte-budget.js';
import { createScoringService, type ScoringServiceOptions } from './service/scoring-service.js';
import { BodyArena } from './service/body-arena.js';
import { handleStopSignals } from './stop-signals.js';

export interface GatewayAddresses {
  readonly host: string;
  /** The HTTP/1.1 port actually bound (differs from the config when it was 0). */
  readonly port: number;
  readonly grpcPort: number;
  /** The metrics listener's port, when /metrics has one of its own (metricsPort). */
  readonly metricsPort?: number;
}

export interface Gateway {
  readonly config: GatewayConfig;
  readonly addresses: GatewayAddresses;
  readonly metrics: GatewayMetrics;
  readonly registry: RuleSetRegistry;
  /** The one line printed when ready. */
  readonly readyLine: string;
  isReady(): boolean;
  /** SIGHUP: rereads the rule sets and the tokens file. */
  reload(): Promise<void>;
  /** SIGTERM: drains and closes everything; resolves to the exit status (0, or 1 after the hard timeout). */
  shutdown(reason?: string): Promise<number>;
}

/** How long streams cut at the shutdown timeout get to send their status before the connections close. */
const STREAM_STATUS_GRACE_MS = 200;

/** How often grpc.health.v1.Health rereads readiness (it also follows each shutdown phase at once). */
const HEALTH_POLL_MS = 250;

export interface StartOptions {
  readonly logger?: Logger;
}

/** Starts everything and resolves once it is ready to serve (not printing anything to stdout). */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => logger.error('shutdown step failed', { err: error }));
  };
  let engineCompiled = false;
  let phase: ServingPhase = 'serving';

  try {
    const metrics = new GatewayMetrics();
    const directory = config.tokensFile === undefined ? undefined : await TenantDirectory.load(config.tokensFile, { defaultRuleSet: config.defaultRuleSet });
    const authenticator = createAuthenticator(directory, config.defaultRuleSet);
    metrics.setTenants(directory?.tenants.map((tenant) => tenant.id));
    let metricsTokens = config.metricsTokenFile === undefined ? undefined : await MetricsTokens.load(config.metricsTokenFile);
    const metricsAccess = (authorization: string | undefined) => metricsTokens === undefined || metricsTokens.accepts(authorization);
    const exposition = async () => ({ contentType: metrics.contentType, body: await metrics.metrics() });
    const openMetrics = metricsExposureWarning(config);
    if (openMetrics !== undefined) logger.warn(openMetrics);

    const module = await compileEngine();
    engineCompiled = true;

    const registry = await RuleSetRegistry.open({
      dir: config.rulesDir,
      defaultId: config.defaultRuleSet,
      watch: true,
      logger: registryLogger(logger),
      onEvent: metrics.onRegistryEvent,
    });
    closers.push(() => registry.close());
    warnAboutTenants(authenticator, registry, logger);

    const poolLogger = logger.child({ component: 'pool' });
    const pool: ScoringPool = await createScoringPool({
      threads: config.workers,
      maxQueue: config.maxQueue,
      module,
      logger: { error: (message) => poolLogger.error(message) },
    });
    closers.push(() => pool.close());

    const serviceLogger = logger.child({ component: 'service' });
    const serviceOptions: ScoringServiceOptions = {
      pool,
      registry,
      limits: { maxConsumers: config.maxConsumers, maxReadingsPerConsumer: config.maxReadingsPerConsumer, splitThresholdBytes: config.splitThresholdBytes },
      logger: { info: (m) => serviceLogger.info(m), warn: (m) => serviceLogger.warn(m), error: (m) => serviceLogger.error(m) },
      onBatch: (batch) => metrics.observeBatch(batch),
      onQueueFull: () => metrics.observeRefusal('queue_full'),
    };
    const service = createScoringService(serviceOptions);

    let listening = false;
    const isReady = () => engineCompiled && !pool.closing && registry.snapshot.default !== undefined && phase === 'serving' && listening;
    const budget = new ByteBudget(config.maxInflightBytes);
    // Request bodies in recycled shared slabs, as many as the byte budget lets requests hold (body-arena.ts).
    const bodies = new BodyArena({ retainBytes: config.maxInflightBytes });
    metrics.bind({
      poolStats: () => pool.stats(),
      bodyArena: () => bodies.stats(),
      ruleSets: () => registry.list(),
      ruleFiles: () => registry.status(),
      ready: isReady,
      admission: () => ({ inFlight: budget.inFlight, limit: budget.limit, peak: budget.peak }),
    });

    // grpc.health.v1.Health follows readiness: polled, since readiness has several sources (the rule-set registry
    // among them), and set at once on each shutdown phase; `stopped` ends open Watch calls so they never hold the drain.
    const health = new HealthStatus();
    const refreshHealth = () => health.set(phase === 'draining' ? 'stopped' : isReady() ? 'serving' : 'not-serving');
    const healthPoll = setInterval(refreshHealth, HEALTH_POLL_MS);
    healthPoll.unref();
    closers.push(async () => clearInterval(healthPoll));

    const appLogger = logger.child({ component: 'http' });
    const openStreams = new OpenStreams();
    const app = createApp({
      service,
      authenticate: authenticator.authenticate,
      observe: (observation) => {
        metrics.observeRequest(observation);
        const { seconds, ...fields } = observation;
        logRequest(logger, { ...fields, durationMs: seconds * 1000 });
      },
      limits: { maxBodyBytes: config.maxBodyBytes, bodyIdleTimeoutMs: config.bodyIdleTimeoutMs },
      logger: { error: (fields, message) => appLogger.error(message, fields) },
      ready: isReady,
      // With a metrics listener of its own, the main port has no /metrics (404).
      ...(config.metricsPort === undefined ? { metrics: exposition, metricsAccess } : {}),
      bodies,
      admission: { budget, onRefuse: (reason) => metrics.observeRefusal(reason) },
      grpcServices: { health },
      scoreStream: { score: service.scoreStreamPart, cohorts: service.streamCohorts, maxInFlight: 2 * Math.max(1, config.workers), openStreams },
      ...(config.corsOrigins.length > 0 ? { cors: { origins: config.corsOrigins } } : {}),
    });
    if (config.corsOrigins.length > 0) logger.info('CORS: web pages on these origins may call from a browser', { origins: config.corsOrigins });

    const listeners = await openListeners(app, { host: config.host, port: config.port, grpcPort: config.grpcPort, phase: () => phase });
    closers.push(() => listeners.drain());
    const { port, grpcPort } = listeners;
    let metricsListener: MetricsListener | undefined;
    if (config.metricsPort !== undefined) {
      metricsListener = await openMetricsListener({ host: config.metricsHost ?? config.host, port: config.metricsPort, metrics: exposition, access: metricsAccess });
      closers.push(() => metricsListener!.close());
    }
    listening = true;
    refreshHealth();

    const addresses: GatewayAddresses = { host: config.host, port, grpcPort, ...(metricsListener ? { metricsPort: metricsListener.port } : {}) };
    const bracket = (host: string) => (host.includes(':') ? `[${host}]` : host);
    const hostPart = bracket(config.host);
    const readyLine =
      `gridcode ready: connect+grpc-web http://${hostPart}:${port}, grpc h2c ${hostPart}:${grpcPort}, ` +
      `rule sets ${registry.list().map(ruleSetRef).join(' ')}, ${pool.threads} worker${pool.threads === 1 ? '' : 's'}` +
      (authenticator.required ? `, ${authenticator.tenants().length} tenant${authenticator.tenants().length === 1 ? '' : 's'}` : ', no authentication (loopback only)') +
      (metricsListener ? `, metrics http://${bracket(config.metricsHost ?? config.host)}:${metricsListener.port}/metrics` : '');

    let shutdownPromise: Promise<number> | undefined;
    const gateway: Gateway = {
      config,
      addresses,
      metrics,
      registry,
      readyLine,
      isReady,
      async reload() {
        const snapshot = await registry.reload();
        logger.info('rule sets reread', { ruleSets: snapshot.list().map(ruleSetRef) });
        if (config.tokensFile !== undefined) {
          try {
            authenticator.replace(await TenantDirectory.load(config.tokensFile, { defaultRuleSet: config.defaultRuleSet }));
            metrics.setTenants(authenticator.tenants().map((tenant) => tenant.id));
            logger.info('tokens file reread', { tenants: authenticator.tenants().length });
            warnAboutTenants(authenticator, registry, logger);
          } catch (error) {
            metrics.observeTokensReloadFailure();
            logger.error('tokens file not reread; the previous tenants stay', { error: (error as Error).message });
          }
        }
        if (config.metricsTokenFile !== undefined) {
          try {
            metricsTokens = await MetricsTokens.load(config.metricsTokenFile);
            logger.info('metrics token file reread');
          } catch (error) {
            metrics.observeTokensReloadFailure();
            logger.error('metrics token file not reread; the previous metrics tokens stay', { error: (error as Error).message });
          }
        }
      },
      shutdown(reason = 'shutdown') {
        shutdownPromise ??= (async () => {
          phase = 'not-ready';
          refreshHealth();
          const started = performance.now();
          if (config.drainDelayMs > 0) {
            logger.info('not ready: still serving until the drain delay ends', { reason, drainDelayMs: config.drainDelayMs });
            await new Promise((resolve) => setTimeout(resolve, config.drainDelayMs));
          }
          phase = 'draining';
          clearInterval(healthPoll);
          refreshHealth();
          logger.info('draining: not ready, no new requests', { reason, ...listeners.counts() });
          let timedOut = false;
          let giveUp: () => void = () => {};
          // After the timeout nothing is awaited any more: servers, pool and registry may never finish closing.
          const hardStop = new Promise<void>((resolve) => (giveUp = resolve));
          const timer = setTimeout(() => {
            timedOut = true;
            logger.error('shutdown timeout: closing the connections left', { timeoutMs: config.shutdownTimeoutMs, ...listeners.counts(), scoreStreams: openStreams.size });
            // Streams still open end with their status first, so that their clients know where they were cut.
            const cut = openStreams.abortAll(new ServiceError('unavailable', 'the server is shutting down and the shutdown timeout passed: this stream ended before all its consumers were answered; send the rest again to another instance'));
            setTimeout(() => {
              listeners.destroyAll();
              giveUp();
            }, cut > 0 ? STREAM_STATUS_GRACE_MS : 0);
          }, Math.max(0, config.shutdownTimeoutMs - config.drainDelayMs));
          await Promise.race([listeners.drain(), hardStop]);
          if (!timedOut) logger.info('requests drained', { ms: Math.round(performance.now() - started) });
          await Promise.race([pool.close().catch((error: unknown) => logger.error('closing the pool failed', { err: error })), hardStop]);
          await Promise.race([registry.close().catch((error: unknown) => logger.error('closing the registry failed', { err: error })), hardStop]);
          await Promise.race([metricsListener?.close(), hardStop]);
          clearTimeout(timer);
          logger.info('stopped', { ms: Math.round(performance.now() - started) });
          return timedOut ? 1 : 0;
        })();
        return shutdownPromise;
      },
    };
    return gateway;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Tenants naming rule sets that are not loaded: not an error (a file may come later), but worth a line. */
function warnAboutTenants(authenticator: Authenticator, registry: RuleSetRegistry, logger: Logger): void {
  const loaded = new Set(registry.list().map((ruleSet) => ruleSet.id));
  for (const tenant of authenticator.tenants()) {
    const missing = (tenant.ruleSets === '*' ? [tenant.defaultRuleSet] : tenant.ruleSets).filter((id) => !loaded.has(id));
    if (missing.length > 0) logger.warn('a tenant names rule sets that are not loaded', { tenant: tenant.id, missing });
    if (!mayUse(tenant, tenant.defaultRuleSet)) logger.warn('a tenant may not use its own default rule set', { tenant: tenant.id });
  }
}

/** The command: exit 2 on a bad configuration, 1 when startup fails. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let config: GatewayConfig & { help: boolean };
  try {
    config = await loadConfig({ argv });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gridcode: ${error.message}\nRun with --help for the options.\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = createLogger({ level: config.logLevel });
  let gateway: Gateway;
  try {
    gateway = await startGateway(config, { logger });
  } catch (error) {
    logger.error('startup failed', { err: error });
    process.stderr.write(`gridcode: cannot start: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  // Handlers first: whoever reads the ready line may send SIGTERM at once, and before process.on() the default action kills.
  handleStopSignals(gateway, logger);
  process.stdout.write(`${gateway.readyLine}\n`);
  // pid: the node process to send SIGHUP to (under npm or npx the launcher's pid is not it).
  logger.info('ready', { ...gateway.addresses, workers: config.workers, pid: process.pid });
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();
