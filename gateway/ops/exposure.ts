// Who may reach the service and /metrics. Without tokens the service listens
// only on loopback; off loopback it needs a tokens file, or the explicit
// --insecure-no-auth (a trusted network, a sidecar). /metrics shows every
// tenant's traffic and the rule sets served, whatever protects the RPCs, so
// off loopback it needs a metrics token of its own, or --insecure-no-auth
// too, which then opens it to the network (logged at start: a warning).
import { ConfigError } from './config-error.js';
import type { GatewayConfig } from './config.js';

/** Refuses a non-loopback host without tokens unless --insecure-no-auth: anyone who could reach it could score batches and read every rule set. */
export function checkExposure(config: Pick<GatewayConfig, 'host' | 'tokensFile' | 'allowUnauthenticatedNonLoopback'>): void {
  if (config.tokensFile !== undefined || config.allowUnauthenticatedNonLoopback || isLoopback(config.host)) return;
  throw new ConfigError(
    `refusing to listen on ${config.host} without authentication: anyone who reaches it could use the service. ` +
      `Give a tokens file (tokensFile, --tokens-file, GRIDCODE_TOKENS_FILE), listen on 127.0.0.1, or pass --insecure-no-auth if the network is trusted`,
  );
}

/** Where /metrics is served: its own listener's host, else the main host (the HTTP/1.1 port and the gRPC h2c port). */
export function metricsHostOf(config: Pick<GatewayConfig, 'host' | 'metricsHost' | 'metricsPort'>): string {
  return config.metricsPort === undefined ? config.host : (config.metricsHost ?? config.host);
}

type MetricsExposure = Pick<GatewayConfig, 'host' | 'metricsHost' | 'metricsPort' | 'metricsTokenFile' | 'allowUnauthenticatedNonLoopback'>;

/** Refuses /metrics off loopback without a metrics token (issue 16), unless the network is declared trusted (--insecure-no-auth). */
export function checkMetricsExposure(config: MetricsExposure): void {
  const where = metricsHostOf(config);
  if (config.metricsTokenFile !== undefined || config.allowUnauthenticatedNonLoopback || isLoopback(where)) return;
  throw new ConfigError(
    `refusing to serve /metrics on ${where} without a metrics token: anyone who reaches it could read every tenant's traffic and rule sets. ` +
      `Give a metrics token file (metricsTokenFile, --metrics-token-file, GRIDCODE_METRICS_TOKEN_FILE), serve /metrics on loopback ` +
      `(--metrics-port with --metrics-host 127.0.0.1), or pass --insecure-no-auth if the network is trusted`,
  );
}

/** The warning to log at start when /metrics is open to the network (off loopback, no metrics token: --insecure-no-auth allowed it), else undefined. */
export function metricsExposureWarning(config: MetricsExposure): string | undefined {
  const where = metricsHostOf(config);
  if (config.metricsTokenFile !== undefined || isLoopback(where)) return undefined;
  return (
    `/metrics is served on ${where} without a metrics token (--insecure-no-auth): anyone who reaches it can read every tenant's traffic and the rule sets served; ` +
    `give a metrics token file (--metrics-token-file) or serve it on loopback (--metrics-port with --metrics-host 127.0.0.1)`
  );
}

/** Whether `host` names only this machine. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4[1] === '127';
}
