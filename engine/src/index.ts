// The engine's public host API: load one engine per thread, give it a batch
// header and consumers (as JS values or as protobuf bytes), get a feature matrix.
export { BASE_FEATURES, CORR_PREFIX, ATTRIBUTES, FeatureGroup, featureNames, groupsFor, type BaseFeature } from './catalogue.js';
export { BatchError, MalformedProtobuf, TemplateError, type BatchErrorCode } from './errors.js';
export { parseBatchHeader, weekdayOf, POINTS_PER_DAY, MAX_DAYS, type BatchHeader, type PointsPerDay } from './header.js';
export { TemplateSet, TEMPLATE_POINTS } from './templates.js';
export { FeatureMatrix } from './matrix.js';
export { FeatureEngine, scoringComputeOptions, type ConsumerInput, type WireConsumers, type ComputeOptions, type EngineOptions, type ScoreOptions } from './engine.js';
export { ScoredBatch, Code, type Evidence } from './scoring/scored-batch.js';
export { Op, Attribute, CATEGORY_WORDS, ZONE_WORDS, type CompiledRuleSet, type CompiledRule, type Program, type Effect } from './rules/program.js';
export type { Diagnostic, DiagnosticCode, Span } from './rules/diagnostics.js';
export { compileEngine, WASM_PATH } from './wasm.js';
export { scanRequest, type RequestHeader, type RequestIndex } from './wire/request.js';
export { scanConsumers, consumerIds, ConsumerIndex } from './wire/consumers.js';
export * from './rules/registry/index.js';
export { compileRuleSet, type CompileRuleSetOptions, type CompileRuleSetResult } from './rules/compile-rule-set.js';
export { formatDiagnostic, formatDiagnostics } from './rules/format.js';
export { BlockScorer, BLOCK_LIMITS, blocksOf, spanRanges, type BlockScoringOptions, type ConsumerRanges, type StageSeconds } from './scoring/score-blocks.js';
export { CohortSpace, type CohortMode } from './cohorts/cohort-space.js';
export { GroupRuns, groupStretches, MAX_GROUP_RUN } from './cohorts/group-runs.js';
export { blockBuffers, blockMatrix, type FeatureBlock } from './cohorts/feature-block.js';
export { scoreComputedBlocks, scoreBatchRequest, type ScoreRequestOptions, type ScoredRequest } from './scoring/score-request.js';
export { ResponseBuilder, assembleResponse, assembleMessage, encodeResponse, responseJsonChunks, type ResponsePart, type Serialization } from './codec/index.js';
