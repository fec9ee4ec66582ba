// auth: resolves the caller from the Authorization header through the
// injected `authenticate`, and sets the `tenant` variable. `authenticate`
// throws a ServiceError (unauthenticated / permission_denied) or returns no
// tenant, which is `unauthenticated`.
import type { MiddlewareHandler } from 'hono';
import { ServiceError } from '../../rpc/codes.js';
import type { Tenant } from '../../rpc/types.js';
import type { GatewayEnv } from '../../rpc/env.js';

export type Authenticate = (authorization: string | undefined) => Tenant | null | undefined | Promise<Tenant | null | undefined>;

export interface AuthOptions {
  readonly authenticate: Authenticate;
}

export function auth(options: AuthOptions): MiddlewareHandler<GatewayEnv> {
  return async function authMiddleware(c, next) {
    const tenant = await options.authenticate(c.req.header('authorization'));
    if (!tenant) throw new ServiceError('unauthenticated', 'missing or invalid credentials');
    c.set('tenant', tenant);
    await next();
  };
}
