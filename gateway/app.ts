// The HTTP app: a small core that receives its parts as options. Serves the
// RPCs at POST /gridcode.v1.ScoringService/<Method> in Connect and gRPC-Web
// (and gRPC when served over HTTP/2 by grpc-server.ts), plus /healthz,
// /readyz and /metrics, and on gRPC the standard health and reflection
// services (grpc-services/).
import { Hono, type MiddlewareHandler } from 'hono';
import { admission, type RefusalReason } from './middleware/admission/index.js';
import { mountGrpcServices, type GrpcServicesOptions } from './grpc-services/index.js';
import { auth, type Authenticate } from './middleware/auth/index.js';
import { bodyLimit } from './middleware/body-limit/index.js';
import { cors, type CorsOptions } from './middleware/cors/index.js';
import { deadline } from './middleware/deadline/index.js';
import { requestId } from './middleware/request-id/index.js';
import { rpc } from './middleware/rpc/index.js';
import { DEFAULT_MAX_BODY_BYTES } from './protocols/body.js';
import type { BodyMemory } from './rpc/adapter.js';
import type { GatewayEnv } from './rpc/env.js';
import type { GatewayLogger, Observe } from './rpc/logger.js';
import { SERVICE_NAME } from './protocols/index.js';
import { sendError } from './protocols/respond.js';
import { unaryHandler } from './protocols/unary.js';
import type { ByteBudget } from './middleware/admission/byte-budget.js';
import type { ScoringService } from './rpc/types.js';
import { scoreStreamHandler } from './stream/handler.js';
import type { OpenStreams } from './stream/open-streams.js';
import type { ScoreStreamPart } from './stream/pipeline.js';
import type { StreamCohortsRunner } from './stream/stream-cohorts.js';

export type { Authenticate } from './middleware/auth/index.js';
export type { Allocate, BodyMemory } from './rpc/adapter.js';
export type { GatewayEnv } from './rpc/env.js';
export type { GatewayLogger, Observe, RpcObservation } from './rpc/logger.js';

export interface AppLimits {
  /** Largest request body, and largest message after decompression (default 128 MiB). */
  readonly maxBodyBytes?: number;
  /** Compress replies of at least this many bytes when the client accepts gzip (default 1024). */
  readonly compressMinBytes?: number;
  /** A request body that sends nothing for this long is deadline_exceeded (default: no limit). */
  readonly bodyIdleTimeoutMs?: number;
}

export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string | Uint8Array;
}

export interface AppOptions {
  readonly service: ScoringService;
  readonly authenticate: Authenticate;
  /** Called once per RPC (not for 404/405/415 outside the protocol). */
  readonly observe?: Observe;
  readonly limits?: AppLimits;
  /** Where unexpected errors go (default: console.error). */
  readonly logger?: GatewayLogger;
  /** GET /readyz: 200 when true, 503 otherwise (default: always ready). */
  readonly ready?: () => boolean;
  /** GET /metrics; without it the route is not mounted (404), as when it is served on a listener of its own. */
  readonly metrics?: () => Promise<MetricsExposition>;
  /** Whether a GET /metrics with this Authorization header may read it (default: any); 401 otherwise. */
  readonly metricsAccess?: (authorization: string | undefined) => boolean;
  /** Where request bodies are read (default: an ArrayBuffer each; the gateway's is a BodyArena, gateway/service/body-arena.ts). */
  readonly bodies?: BodyMemory;
  /** Request bytes accepted requests may hold; without it only the body limit and the pool's queue bound them. */
  readonly admission?: { readonly budget: ByteBudget; readonly onRefuse?: (reason: RefusalReason) => void };
  /**
   * grpc.health.v1.Health and server reflection, over gRPC on HTTP/2 only and
   * without authentication (gateway/grpc-services/); without it they are not mounted.
   */
  readonly grpcServices?: Omit<GrpcServicesOptions, 'logger'>;
  /** ScoreStream (gRPC and Connect streaming on the HTTP/2 port); without it the method is unimplemented. */
  readonly scoreStream?: { readonly score: ScoreStreamPart; readonly cohorts?: StreamCohortsRunner; readonly maxInFlight: number; readonly openStreams: OpenStreams };
  /** More routes, mounted before the RPC routes. */
  readonly extraRoutes?: (app: Hono<GatewayEnv>) => void;
  /** CORS for web pages on these origins (or `*`); without it (or with none) no CORS headers and preflights get 405. */
  readonly cors?: CorsOptions;
}

export const consoleLogger: GatewayLogger = {
  error(fields, message) {
    console.error(message, fields);
  },
};

/** The answer to a scrape without a valid metrics token (the same for a missing, malformed or wrong one). */
export const METRICS_UNAUTHORIZED = 'a valid metrics bearer token is required (Authorization: Bearer <token>)\n';

const passThrough: MiddlewareHandler<GatewayEnv> = (_c, next) => next();

/** GET /metrics on `app`: the main app's, or the metrics listener's (gateway/metrics-listener.ts). */
export function mountMetrics(app: Hono<GatewayEnv>, options: { readonly metrics: () => Promise<MetricsExposition>; readonly access?: (authorization: string | undefined) => boolean }): void {
  const access = options.access ?? (() => true);
  app.get('/metrics', async (c) => {
    if (!access(c.req.header('authorization'))) return c.text(METRICS_UNAUTHORIZED, 401, { 'www-authenticate': 'Bearer realm="metrics"' });
    const { contentType, body } = await options.metrics();
    return c.body(typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>), 200, { 'content-type': contentType });
  });
}

export function createApp(options: AppOptions): Hono<GatewayEnv> {
  const logger = options.logger ?? consoleLogger;
  const ready = options.ready ?? (() => true);
  const app = new Hono<GatewayEnv>();

  app.use('*', requestId());

  app.get('/healthz', (c) => c.text('ok'));
  app.get('/readyz', (c) => (ready() ? c.text('ready') : c.text('not ready', 503)));
  if (options.metrics) mountMetrics(app, { metrics: options.metrics, ...(options.metricsAccess ? { access: options.metricsAccess } : {}) });
  if (options.grpcServices) mountGrpcServices(app, { ...options.grpcServices, logger });
  options.extraRoutes?.(app);

  // Before the RPC route and the 405 below: a preflight is answered here.
  if (options.cors && options.cors.origins.length > 0) app.use('/:service/:method', cors(options.cors));
  if (options.scoreStream) {
    app.post(
      `/${SERVICE_NAME}/ScoreStream`,
      rpc({ observe: options.observe, logger }),
      deadline(),
      auth({ authenticate: options.authenticate }),
      scoreStreamHandler({
        ...options.scoreStream,
        maxMessageBytes: options.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        budget: options.admission?.budget,
        bodies: options.bodies,
        logger,
      }),
    );
  }
  app.post(
    '/:service/:method',
    rpc({ observe: options.observe, logger }),
    deadline(),
    // Authentication first: only an authenticated caller's early answer is worth reading its body for (protocols/unread-body.ts).
    auth({ authenticate: options.authenticate }),
    bodyLimit({ maxBytes: options.limits?.maxBodyBytes }),
    options.admission ? admission(options.admission) : passThrough,
    unaryHandler({
      service: options.service,
      ...(options.bodies ? { bodies: options.bodies } : {}),
      ...(options.limits?.compressMinBytes !== undefined ? { compressMinBytes: options.limits.compressMinBytes } : {}),
      ...(options.limits?.bodyIdleTimeoutMs ? { bodyIdleTimeoutMs: options.limits.bodyIdleTimeoutMs } : {}),
    }),
  );
  app.all(`/${SERVICE_NAME}/:method`, (c) => c.body(null, 405, { allow: 'POST' }));

  app.onError((err, c) => {
    if (c.get('rpc')) return sendError(c, err, logger);
    logger.error({ err, requestId: c.get('requestId') }, 'unexpected error');
    return c.text('internal error', 500);
  });
  return app;
}
