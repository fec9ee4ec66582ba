// grpc.health.v1.Health: Check and Watch for "" (the whole server) and
// gridcode.v1.ScoringService, answering SERVING once the server is ready and
// NOT_SERVING otherwise (starting, the drain delay, draining), so that
// grpc_health_probe and Kubernetes gRPC probes work like /readyz.
import { grpc } from '#gen/grpc-services.js';
import { ServiceError } from '../rpc/codes.js';
import { SERVICE_NAME } from '../protocols/index.js';
import type { GrpcServerCall } from './grpc-call.js';
import type { HealthSource, ServingState } from './health-status.js';

const { HealthCheckRequest, HealthCheckResponse } = grpc.health.v1;
const Status = HealthCheckResponse.ServingStatus;

/** The service names Check and Watch know. */
export const HEALTH_SERVICE_NAMES: readonly string[] = ['', SERVICE_NAME];

const known = (service: string): boolean => HEALTH_SERVICE_NAMES.includes(service);
const statusOf = (state: ServingState): number => (state === 'serving' ? Status.SERVING : Status.NOT_SERVING);
const encode = (status: number): Uint8Array => HealthCheckResponse.encode({ status }).finish();

/** Reads the one HealthCheckRequest of a call, then (after the client half-closed) runs `then` with its service name. */
function readRequest(call: GrpcServerCall, then: (service: string) => void): void {
  let request: Uint8Array | undefined;
  call.read(
    (message) => {
      if (request) throw new ServiceError('invalid_argument', 'expected one HealthCheckRequest, got more');
      request = message;
    },
    () => {
      if (!request) throw new ServiceError('invalid_argument', 'expected one HealthCheckRequest, got none');
      let service: string;
      try {
        service = HealthCheckRequest.decode(request).service;
      } catch (err) {
        throw new ServiceError('invalid_argument', `malformed HealthCheckRequest: ${(err as Error).message}`);
      }
      then(service);
    },
  );
}

function unknownService(service: string): string {
  return `unknown service "${service.slice(0, 200)}"; this server knows "" and "${SERVICE_NAME}"`;
}

/** Check: the status now, or NOT_FOUND for a service name it does not know. */
export function check(call: GrpcServerCall, health: HealthSource): void {
  readRequest(call, (service) => {
    if (!known(service)) return call.finish('not_found', unknownService(service));
    void call.send(encode(statusOf(health.state())));
    call.finish('ok');
  });
}

/**
 * Watch: the status now, then each change. An unknown service gets
 * SERVICE_UNKNOWN and stays watched (as the standard says: it may appear
 * later). When the server stops (draining begins) every Watch gets
 * NOT_SERVING and ends with UNAVAILABLE, so that open Watch calls never hold
 * up the drain, and clients go and watch another instance. (A Watch still
 * waiting for its request then just ends, as every other call: index.ts.)
 */
export function watch(call: GrpcServerCall, health: HealthSource): void {
  readRequest(call, (service) => {
    let last: number | undefined;
    const update = (state: ServingState): void => {
      const status = known(service) ? statusOf(state) : Status.SERVICE_UNKNOWN;
      if (status !== last) {
        last = status;
        void call.send(encode(status));
      }
      if (state === 'stopped') call.finish('unavailable', 'the server is shutting down; watch another instance');
    };
    const unsubscribe = health.subscribe(update);
    void call.done.then(unsubscribe);
    call.onServerStop = () => update('stopped');
    update(health.state());
  });
}
