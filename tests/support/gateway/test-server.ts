// For the health and reflection tests: the real app (with the fake scoring
// service) on an h2c server and an HTTP/1.1 server on 127.0.0.1 port 0, and
// @grpc/grpc-js clients built with @grpc/proto-loader from our proto files,
// as an integrator's tools would build them.
import type { Server } from 'node:http';
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createAdaptorServer } from '@hono/node-server';
import { packageRoot } from '../../../engine/src/package-root.js';
import { createApp } from '../../../gateway/app.js';
import { createGrpcServer } from '../../../gateway/grpc-server.js';
import { fakeAuthenticate, fakeService } from './fake-service.js';
import { HealthStatus } from '../../../gateway/grpc-services/health-status.js';

export interface TestServer {
  readonly health: HealthStatus;
  /** 127.0.0.1:port of the h2c server, for grpc-js. */
  readonly address: string;
  /** http://127.0.0.1:port of the h2c server. */
  readonly h2Url: string;
  /** http://127.0.0.1:port of the HTTP/1.1 server. */
  readonly httpUrl: string;
  readonly errors: unknown[];
  close(): Promise<void>;
}

export async function startTestServer(options: { readonly maxMessageBytes?: number } = {}): Promise<TestServer> {
  const health = new HealthStatus('serving');
  const errors: unknown[] = [];
  const app = createApp({
    service: fakeService().service,
    authenticate: fakeAuthenticate,
    logger: { error: (fields) => errors.push(fields) },
    grpcServices: { health, ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}) },
  });
  const h2 = createGrpcServer({ app });
  const sessions = new Set<ServerHttp2Session>();
  h2.on('session', (session: ServerHttp2Session) => sessions.add(session));
  const http = createAdaptorServer({ fetch: app.fetch }) as Server;
  const h2Port = await listen(h2);
  const httpPort = await listen(http);
  return {
    health,
    address: `127.0.0.1:${h2Port}`,
    h2Url: `http://127.0.0.1:${h2Port}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    errors,
    async close() {
      for (const session of sessions) session.destroy();
      http.closeAllConnections();
      await Promise.all([new Promise((resolve) => h2.close(resolve)), new Promise((resolve) => http.close(resolve))]);
    },
  };
}

function listen(server: Server | Http2Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

type ServiceConstructor = new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client & Record<string, (...args: never[]) => unknown>;

/** grpc-js client classes for Health and both reflection versions, from proto/grpc/. */
export function grpcClients(): { Health: ServiceConstructor; ReflectionV1: ServiceConstructor; ReflectionV1alpha: ServiceConstructor } {
  const definition = protoLoader.loadSync(['grpc/health/v1/health.proto', 'grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'], {
    includeDirs: [join(packageRoot, 'proto')],
    enums: String,
    oneofs: true,
    arrays: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: ServiceConstructor } }; reflection: { v1: { ServerReflection: ServiceConstructor }; v1alpha: { ServerReflection: ServiceConstructor } } };
  };
  return { Health: loaded.grpc.health.v1.Health, ReflectionV1: loaded.grpc.reflection.v1.ServerReflection, ReflectionV1alpha: loaded.grpc.reflection.v1alpha.ServerReflection };
}

export const insecure = (): grpc.ChannelCredentials => grpc.credentials.createInsecure();
