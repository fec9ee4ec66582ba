// deadline: the call's AbortSignal, aborted with `deadline_exceeded` when the
// protocol's timeout header (Connect-Timeout-Ms, grpc-timeout) runs out, and
// with `canceled` when the client goes away (the request's own signal, which
// @hono/node-server aborts when the connection or HTTP/2 stream closes before
// the response is written). Sets the `signal` and `deadline` variables.
import type { MiddlewareHandler } from 'hono';
import { ServiceError } from '../../rpc/codes.js';
import type { GatewayEnv } from '../../rpc/env.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export function deadline(): MiddlewareHandler<GatewayEnv> {
  return async function deadlineMiddleware(c, next) {
    const rpc = c.get('rpc');
    const timeoutMs = rpc?.adapter.timeoutMs(c.req.raw.headers);
    const controller = new AbortController();
    const client = c.req.raw.signal;
    const onClientGone = (): void => controller.abort(new ServiceError('canceled', 'the client went away'));
    if (client.aborted) onClientGone();
    else client.addEventListener('abort', onClientGone, { once: true });

    let timer: NodeJS.Timeout | undefined;
    let at: number | undefined;
    if (timeoutMs !== undefined) {
      at = Date.now() + timeoutMs;
      const expire = (): void => controller.abort(new ServiceError('deadline_exceeded', `the deadline of ${timeoutMs} ms passed`));
      if (timeoutMs <= 0) expire();
      else if (timeoutMs <= MAX_TIMER_MS) timer = setTimeout(expire, timeoutMs);
    }
    c.set('signal', controller.signal);
    c.set('deadline', at);
    try {
      await next();
    } finally {
      if (timer) clearTimeout(timer);
      client.removeEventListener('abort', onClientGone);
    }
  };
}
