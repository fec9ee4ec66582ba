// The decoding path of the gateway, run in this thread with a real WASM
// engine: a ScoreBatch body as a worker scores it (JSON → protobuf, scan,
// header, rule set, engine, response), a ValidateRuleSet body as a worker
// compiles it, and ListRuleSets as the service answers it (it needs no worker).
import { compileRuleSet, FeatureEngine, RuleSetSnapshot, type RuleSetRegistry } from '../../../engine/src/index.js';
import type { ScoringPool } from '../../../gateway/pool/pool.js';
import { ServiceError } from '../../../gateway/rpc/codes.js';
import { DEFAULT_LIMITS } from '../../../gateway/rpc/limits.js';
import { catalogOf } from '../../../gateway/service/rule-set-sources.js';
import { createScoringService, type GatewayScoringService } from '../../../gateway/service/scoring-service.js';
import type { CallContext } from '../../../gateway/rpc/types.js';
import { assembleResponse } from '../../../engine/src/codec/index.js';
import type { RuleSetCatalog, TaskTenant, WorkerLimits } from '../../../gateway/tasks/protocol.js';
import { RuleSetCache } from '../../../gateway/worker/rule-sets.js';
import { jsonRequestToProto, scoreRequest } from '../../../gateway/worker/score.js';
import { validateRuleSet } from '../../../gateway/worker/validate.js';
import type { FuzzCase } from './corpus.js';
import { defaultRuleSetSource } from './requests.js';

/** What one input came to: `ok` with the response bytes, or the error code and message the client would get. */
export type Outcome = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly code: string; readonly message: string };

/** Not a client error: thrown by anything but ServiceError (the worker would answer `internal`). */
export class UncodedError extends Error {
  override readonly name = 'UncodedError';
}

export class InProcessGateway {
  private readonly ruleSets = new RuleSetCache();
  private readonly tenant: TaskTenant = { id: 'fuzz', ruleSets: '*', defaultRuleSet: 'default' };
  private readonly limits: WorkerLimits = { maxConsumers: DEFAULT_LIMITS.maxConsumers, maxReadingsPerConsumer: DEFAULT_LIMITS.maxReadingsPerConsumer };

  private constructor(
    private readonly engine: FeatureEngine,
    private readonly catalog: RuleSetCatalog,
    private readonly service: GatewayScoringService,
  ) {}

  static async start(): Promise<InProcessGateway> {
    const { ruleSet, diagnostics } = compileRuleSet(defaultRuleSetSource());
    if (!ruleSet) throw new Error(`rules/default.yaml does not compile: ${diagnostics[0]?.message}`);
    const snapshot = new RuleSetSnapshot([ruleSet], 'default');
    // ListRuleSets never reaches the pool; any other use of it here is a mistake.
    const pool = { threads: 1, run: () => Promise.reject(new Error('the in-process gateway has no pool')), stats: () => ({}) } as unknown as ScoringPool;
    const service = createScoringService({ pool, registry: { snapshot } as unknown as RuleSetRegistry });
    return new InProcessGateway(await FeatureEngine.load(), catalogOf(snapshot), service);
  }

  async run(input: FuzzCase): Promise<Outcome> {
    try {
      return { ok: true, bytes: await this.answer(input) };
    } catch (error) {
      if (error instanceof ServiceError) return { ok: false, code: error.code, message: error.message };
      throw new UncodedError(`${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
    }
  }

  private async answer({ method, serialization, bytes }: FuzzCase): Promise<Uint8Array> {
    switch (method) {
      case 'ScoreBatch': {
        const proto = serialization === 'json' ? jsonRequestToProto(bytes, this.limits) : bytes;
        const part = scoreRequest(this.engine, this.ruleSets, { bytes: proto, catalog: this.catalog, tenant: this.tenant, limits: this.limits, response: serialization });
        return assembleResponse([part], serialization);
      }
      case 'ValidateRuleSet':
        return validateRuleSet(bytes, serialization);
      case 'ListRuleSets': {
        const copy = bytes.slice();
        const context: CallContext = { method, protocol: 'connect', requestId: 'fuzz', tenant: this.tenant, signal: new AbortController().signal };
        const response = await this.service.ListRuleSets({ serialization, buffer: copy.buffer, offset: 0, length: copy.length }, context);
        return response.bytes;
      }
    }
  }
}
