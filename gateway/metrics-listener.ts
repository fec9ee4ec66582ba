// /metrics on a listener of its own (metricsPort), so that it need not be
// reachable where the service is: a pod's metrics port for Prometheus only,
// or loopback for a local agent. Only GET /metrics is served there (404 for
// anything else); /healthz and /readyz stay on the main port, where load
// balancers look. It stays open while the service drains, so that the drain
// itself can be watched, and closes last.
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { mountMetrics, type MetricsExposition } from './app.js';
import { listen } from './listeners.js';
import type { GatewayEnv } from './rpc/env.js';

export interface MetricsListenerOptions {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly metrics: () => Promise<MetricsExposition>;
  /** Whether a scrape with this Authorization header may read the metrics (default: any). */
  readonly access?: (authorization: string | undefined) => boolean;
}

export interface MetricsListener {
  /** The port actually bound. */
  readonly port: number;
  close(): Promise<void>;
}

export async function openMetricsListener(options: MetricsListenerOptions): Promise<MetricsListener> {
  const app = new Hono<GatewayEnv>();
  mountMetrics(app, { metrics: options.metrics, ...(options.access ? { access: options.access } : {}) });
  const server = createServer(getRequestListener(app.fetch));
  // A scrape is one short request: nothing to wait for at shutdown beyond the one under way.
  server.keepAliveTimeout = 5_000;
  const port = await listen(server, options.port, options.host, 'metricsPort (--metrics-port, GRIDCODE_METRICS_PORT)');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
