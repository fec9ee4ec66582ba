// Test double for the protocol tests: a plain object implementing
// ScoringService over the real message schemas (lib/proto-registry.ts), with
// behaviours chosen by the request's `source` / `rule_set`.
import { create, fromBinary, fromJsonString, toBinary, toJsonString, type DescMessage } from '@bufbuild/protobuf';
import { ERROR_CODES, ServiceError, type ErrorCode } from '../../../gateway/rpc/codes.js';
import type { CallContext, ScoringService, UnaryRequest, UnaryResponse } from '../../../gateway/rpc/types.js';
import { messageSchema } from '../../../lib/proto-registry.js';

function decode(schema: DescMessage, request: UnaryRequest) {
  const bytes = new Uint8Array(request.buffer, request.offset, request.length);
  return request.serialization === 'proto' ? fromBinary(schema, bytes) : fromJsonString(schema, new TextDecoder().decode(bytes));
}

function encode(schema: DescMessage, request: UnaryRequest, init: Record<string, unknown>): UnaryResponse {
  const message = create(schema, init);
  return request.serialization === 'proto'
    ? { serialization: 'proto', bytes: toBinary(schema, message) }
    : { serialization: 'json', bytes: new TextEncoder().encode(toJsonString(schema, message)) };
}

export interface FakeCall {
  readonly method: string;
  readonly request: UnaryRequest;
  readonly context: CallContext;
  abortReason?: unknown;
}

export const SECRET = 'db password is hunter2';

/**
 * ValidateRuleSet answers by `source`:
 * - `error:<code>` throws ServiceError(code, `custom <code> message`)
 * - `crash` throws a plain Error carrying SECRET
 * - `wait` waits for the signal and records its reason
 * - `big` answers an id of 100 000 chars
 * - `ctx` answers the call context as JSON in `id`
 * - anything else: valid, id = source.
 */
export function fakeService(): { service: ScoringService; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const validate = async (request: UnaryRequest, context: CallContext): Promise<UnaryResponse> => {
    const call: FakeCall = { method: 'ValidateRuleSet', request, context };
    calls.push(call);
    const { source } = decode(messageSchema('ValidateRuleSetRequest'), request) as unknown as { source: string };
    if (source.startsWith('error:')) {
      const code = source.slice(6) as ErrorCode;
      if (!(code in ERROR_CODES)) throw new Error(`bad code ${code}`);
      throw new ServiceError(code, `custom ${code} message`);
    }
    if (source === 'crash') throw new Error(SECRET);
    if (source === 'wait') {
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) return resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      call.abortReason = context.signal.reason;
      throw new Error('aborted work');
    }
    let id = source;
    if (source === 'big') id = 'x'.repeat(100_000);
    if (source === 'ctx') {
      id = JSON.stringify({
        method: context.method,
        protocol: context.protocol,
        requestId: context.requestId,
        tenant: context.tenant.id,
        hasDeadline: context.deadline !== undefined,
        shared: request.buffer instanceof SharedArrayBuffer,
      });
    }
    return encode(messageSchema('ValidateRuleSetResponse'), request, { valid: true, id });
  };
  const service: ScoringService = {
    ValidateRuleSet: validate,
    async ListRuleSets(request, context) {
      calls.push({ method: 'ListRuleSets', request, context });
      decode(messageSchema('ListRuleSetsRequest'), request);
      return encode(messageSchema('ListRuleSetsResponse'), request, {
        ruleSets: [{ id: 'default', version: '1', digest: 'abc', ruleIds: ['r1'], isDefault: true }],
      });
    },
    async ScoreBatch(request, context) {
      calls.push({ method: 'ScoreBatch', request, context });
      const batch = decode(messageSchema('ScoreBatchRequest'), request) as unknown as { consumers: { id: string }[]; ruleSet: string };
      return encode(messageSchema('ScoreBatchResponse'), request, {
        ruleSet: batch.ruleSet || 'default@1',
        results: batch.consumers.map((c) => ({ id: c.id, code: 1 })),
        summary: { total: batch.consumers.length, green: batch.consumers.length },
      });
    },
  };
  return { service, calls };
}

export const TENANT = { id: 'acme', ruleSets: '*', defaultRuleSet: 'default' } as const;

/** Accepts `Bearer good`, refuses anything else. */
export function fakeAuthenticate(authorization: string | undefined) {
  if (authorization === 'Bearer good') return TENANT;
  if (authorization === 'Bearer banned') throw new ServiceError('permission_denied', 'this token may not call the service');
  return undefined;
}

export function validateRequest(source: string, serialization: 'proto' | 'json' = 'proto'): Uint8Array<ArrayBuffer> {
  const schema = messageSchema('ValidateRuleSetRequest');
  const message = create(schema, { source });
  const bytes = serialization === 'proto' ? toBinary(schema, message) : new TextEncoder().encode(toJsonString(schema, message));
  return new Uint8Array(bytes);
}

export function decodeValidateResponse(bytes: Uint8Array, serialization: 'proto' | 'json' = 'proto'): { valid: boolean; id: string } {
  const schema = messageSchema('ValidateRuleSetResponse');
  const message = serialization === 'proto' ? fromBinary(schema, bytes) : fromJsonString(schema, new TextDecoder().decode(bytes));
  return message as unknown as { valid: boolean; id: string };
}
