// Health and reflection calls never hold up a drain: the gateway's listeners
// (listeners.ts, as main.ts opens them) with Watch calls and an idle
// reflection stream open, stopped as main.ts stops them on SIGTERM.
import { connect as http2Connect } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { expect, it, onTestFinished, vi } from 'vitest';
import { createApp } from '../app.js';
import { openListeners, type ServingPhase } from '../listeners.js';
import { fakeAuthenticate, fakeService } from '../../tests/support/gateway/fake-service.js';
import { HealthStatus } from './health-status.js';
import { grpcClients, insecure } from '../../tests/support/gateway/test-server.js';

type Stream = grpc.ClientReadableStream<{ status?: string; messageResponse?: string }>;
type Clients = {
  health: grpc.Client & { Watch(request: { service: string }): Stream };
  reflection: grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<Record<string, unknown>, { messageResponse: string }> };
};

/** The messages a call received and, once it ends, its status. */
function follow(call: Stream | grpc.ClientDuplexStream<Record<string, unknown>, { messageResponse: string }>) {
  const received: string[] = [];
  call.on('data', (m: { status?: string; messageResponse?: string }) => received.push(m.status ?? m.messageResponse ?? '?'));
  call.on('error', () => {}); // carried by 'status'
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  return { received, ended };
}

it('ends open Watch and reflection calls when the server stops, so that draining completes', async () => {
  const health = new HealthStatus('serving');
  const app = createApp({ service: fakeService().service, authenticate: fakeAuthenticate, logger: { error: () => {} }, grpcServices: { health } });
  let phase: ServingPhase = 'serving';
  const listeners = await openListeners(app, { host: '127.0.0.1', port: 0, grpcPort: 0, phase: () => phase });
  const address = `127.0.0.1:${listeners.grpcPort}`;
  const { Health, ReflectionV1 } = grpcClients();
  const clients: Clients = { health: new Health(address, insecure()) as never, reflection: new ReflectionV1(address, insecure()) as never };
  const raw = http2Connect(`http://${address}`);
  raw.on('error', () => {});
  onTestFinished(() => {
    clients.health.close();
    clients.reflection.close();
    raw.destroy();
    listeners.destroyAll();
  });

  const watches = ['', 'gridcode.v1.ScoringService', 'gridcode.v1.Nope'].map((service) => follow(clients.health.Watch({ service })));
  await vi.waitFor(() => expect(watches.map((w) => w.received.length)).toEqual([1, 1, 1]));
  // A reflection stream the client keeps open after its answer, as grpcurl does while it makes its call.
  const reflectionCall = clients.reflection.ServerReflectionInfo();
  const reflection = follow(reflectionCall);
  reflectionCall.write({ listServices: '' });
  await vi.waitFor(() => expect(reflection.received).toEqual(['listServicesResponse']));
  // A Watch whose client never sends its request.
  const silent = raw.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Watch', 'content-type': 'application/grpc' });
  silent.on('error', () => {});
  const silentStatus = new Promise<string | undefined>((resolve) => silent.on('response', (headers) => resolve(headers['grpc-status'] as string | undefined)));
  await new Promise((resolve) => setTimeout(resolve, 50));

  // As main.ts does on SIGTERM: not ready (the drain delay), then draining.
  phase = 'not-ready';
  health.set('not-serving');
  phase = 'draining';
  health.set('stopped');

  for (const watch of watches) {
    const status = await watch.ended;
    expect([status.code, status.details]).toEqual([grpc.status.UNAVAILABLE, 'the server is shutting down; watch another instance']);
  }
  expect(watches.map((w) => w.received)).toEqual([
    ['SERVING', 'NOT_SERVING'],
    ['SERVING', 'NOT_SERVING'],
    ['SERVICE_UNKNOWN'],
  ]);
  expect((await reflection.ended).code).toBe(grpc.status.UNAVAILABLE);
  expect(await silentStatus).toBe(String(grpc.status.UNAVAILABLE));

  // Calls racing in after the stop (on a connection opened before GOAWAY): a Watch gets NOT_SERVING and ends, reflection is refused.
  const late = follow(clients.health.Watch({ service: '' }));
  expect([(await late.ended).code, late.received]).toEqual([grpc.status.UNAVAILABLE, ['NOT_SERVING']]);
  const lateReflectionCall = clients.reflection.ServerReflectionInfo();
  const lateReflection = follow(lateReflectionCall);
  expect((await lateReflection.ended).code).toBe(grpc.status.UNAVAILABLE);

  // Any call left open would hold the h2c server's close, and so main.ts's drain, until the shutdown timeout.
  const held = new Promise<string>((resolve) => setTimeout(() => resolve('still draining after 5 s'), 5_000).unref());
  expect(await Promise.race([listeners.drain().then(() => 'drained'), held])).toBe('drained');
  expect(health.subscribers).toBe(0);
});
