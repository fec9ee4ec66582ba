// Server reflection (v1 and v1alpha) on the real app over h2c, called with a
// @grpc/grpc-js bidirectional stream; the FileDescriptorProtos it returns are
// decoded with @bufbuild/protobuf.
import * as grpc from '@grpc/grpc-js';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcClients, insecure, startTestServer, type TestServer } from '../../tests/support/gateway/test-server.js';

interface ReflectionResponse {
  messageResponse: string;
  validHost: string;
  originalRequest: Record<string, unknown>;
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  allExtensionNumbersResponse?: { baseTypeName: string; extensionNumber: number[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}
type ReflectionClient = grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<Record<string, unknown>, ReflectionResponse> };

let server: TestServer;
let v1: ReflectionClient;
let v1alpha: ReflectionClient;

beforeAll(async () => {
  server = await startTestServer();
  const clients = grpcClients();
  v1 = new clients.ReflectionV1(server.address, insecure()) as unknown as ReflectionClient;
  v1alpha = new clients.ReflectionV1alpha(server.address, insecure()) as unknown as ReflectionClient;
});
afterAll(async () => {
  v1.close();
  v1alpha.close();
  await server.close();
});

/** Sends `requests` on one stream, half-closes, and collects every response and the final status. */
function session(requests: Record<string, unknown>[], client: ReflectionClient = v1): Promise<{ responses: ReflectionResponse[]; status: grpc.StatusObject }> {
  return new Promise((resolve) => {
    const call = client.ServerReflectionInfo();
    const responses: ReflectionResponse[] = [];
    call.on('data', (response) => responses.push(response));
    call.on('error', () => {}); // carried by 'status'
    call.on('status', (status) => resolve({ responses, status }));
    for (const request of requests) call.write(request);
    call.end();
  });
}

async function ask(request: Record<string, unknown>, client?: ReflectionClient): Promise<ReflectionResponse> {
  const { responses, status } = await session([request], client);
  expect(status.code).toBe(grpc.status.OK);
  expect(responses).toHaveLength(1);
  return responses[0]!;
}

const files = (response: ReflectionResponse): FileDescriptorProto[] =>
  (response.fileDescriptorResponse?.fileDescriptorProto ?? []).map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));

const SERVICES = ['gridcode.v1.ScoringService', 'grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];

describe.each([
  ['v1', () => v1],
  ['v1alpha', () => v1alpha],
])('reflection %s', (_version, client) => {
  it('lists the scoring, health and reflection services', async () => {
    const response = await ask({ listServices: '*' }, client());
    expect(response.messageResponse).toBe('listServicesResponse');
    expect(response.listServicesResponse?.service.map((s) => s.name).sort()).toEqual(SERVICES);
    expect(response.originalRequest).toMatchObject({ listServices: '*' });
  });

  it('returns the file of gridcode.v1.ScoringService, with the service and its methods', async () => {
    const [file, ...dependencies] = files(await ask({ fileContainingSymbol: 'gridcode.v1.ScoringService' }, client()));
    expect(file?.name).toBe('gridcode/v1/scoring.proto');
    expect(file?.package).toBe('gridcode.v1');
    expect(dependencies).toEqual([]);
    const service = file?.service.find((s) => s.name === 'ScoringService');
    expect(service?.method.map((m) => m.name)).toEqual(expect.arrayContaining(['ScoreBatch', 'ListRuleSets', 'ValidateRuleSet']));
    const scoreBatch = service?.method.find((m) => m.name === 'ScoreBatch');
    expect([scoreBatch?.inputType, scoreBatch?.outputType]).toEqual(['.gridcode.v1.ScoreBatchRequest', '.gridcode.v1.ScoreBatchResponse']);
    expect(file?.messageType.map((m) => m.name)).toEqual(expect.arrayContaining(['ScoreBatchRequest', 'Consumer', 'ConsumerResult']));
  });
});

describe('file_containing_symbol', () => {
  it.each([
    ['gridcode.v1.ScoringService.ScoreBatch', 'gridcode/v1/scoring.proto'],
    ['gridcode.v1.ScoreBatchRequest', 'gridcode/v1/scoring.proto'],
    ['.gridcode.v1.Consumer', 'gridcode/v1/scoring.proto'],
    ['gridcode.v1.Consumer.load_kw', 'gridcode/v1/scoring.proto'],
    ['gridcode.v1.Code', 'gridcode/v1/scoring.proto'],
    ['gridcode.v1.CODE_RED', 'gridcode/v1/scoring.proto'],
    ['grpc.health.v1.Health.Watch', 'grpc/health/v1/health.proto'],
    ['grpc.health.v1.HealthCheckResponse.ServingStatus', 'grpc/health/v1/health.proto'],
    ['grpc.reflection.v1alpha.ServerReflectionRequest', 'grpc/reflection/v1alpha/reflection.proto'],
  ])('finds %s in %s', async (symbol, file) => {
    expect(files(await ask({ fileContainingSymbol: symbol })).map((f) => f.name)).toEqual([file]);
  });

  it('answers an unknown symbol with NOT_FOUND in error_response, and the stream goes on', async () => {
    const { responses, status } = await session([{ fileContainingSymbol: 'gridcode.v1.Nope' }, { listServices: '' }]);
    expect(status.code).toBe(grpc.status.OK);
    expect(responses.map((r) => r.messageResponse)).toEqual(['errorResponse', 'listServicesResponse']);
    expect(responses[0]?.errorResponse).toEqual({ errorCode: grpc.status.NOT_FOUND, errorMessage: 'no symbol "gridcode.v1.Nope"' });
  });
});

describe('one stream', () => {
  it('answers several requests in order, then ends OK when the client half-closes', async () => {
    const requests = [
      { host: 'a', fileByFilename: 'grpc/health/v1/health.proto' },
      { host: 'b', listServices: '' },
      { host: 'c', fileByFilename: 'nope.proto' },
      { host: 'd', allExtensionNumbersOfType: 'gridcode.v1.Consumer' },
      { host: 'e', allExtensionNumbersOfType: 'gridcode.v1.Nope' },
      { host: 'f', fileContainingExtension: { containingType: 'gridcode.v1.Consumer', extensionNumber: 100 } },
      { host: 'g' },
      ...Array.from({ length: 50 }, (_, i) => ({ host: `x${i}`, fileContainingSymbol: 'gridcode.v1.ScoringService' })),
    ];
    const { responses, status } = await session(requests);
    expect(status.code).toBe(grpc.status.OK);
    expect(responses.map((r) => r.validHost)).toEqual(requests.map((r) => r.host));
    expect(files(responses[0]!).map((f) => f.name)).toEqual(['grpc/health/v1/health.proto']);
    expect(responses[2]?.errorResponse).toEqual({ errorCode: 5, errorMessage: 'no file "nope.proto"' });
    expect(responses[3]?.allExtensionNumbersResponse).toEqual({ baseTypeName: 'gridcode.v1.Consumer', extensionNumber: [] });
    expect(responses[4]?.errorResponse?.errorCode).toBe(5);
    expect(responses[5]?.errorResponse).toEqual({ errorCode: 5, errorMessage: 'no extension 100 of "gridcode.v1.Consumer"' });
    expect(responses[6]?.errorResponse?.errorCode).toBe(3);
    expect(responses.slice(7).every((r) => files(r)[0]?.name === 'gridcode/v1/scoring.proto')).toBe(true);
  });

  it('answers each request as it arrives, on a stream the client keeps open', async () => {
    const call = v1.ServerReflectionInfo();
    const next = (): Promise<ReflectionResponse> => new Promise((resolve) => call.once('data', resolve));
    const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    call.on('error', () => {});
    for (const symbol of ['gridcode.v1.ScoringService', 'gridcode.v1.Nope', 'grpc.health.v1.Health']) {
      const answer = next();
      call.write({ fileContainingSymbol: symbol });
      expect((await answer).originalRequest).toMatchObject({ fileContainingSymbol: symbol });
    }
    call.end();
    expect((await ended).code).toBe(grpc.status.OK);
  });
});
