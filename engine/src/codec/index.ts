// The engine's codec: requests read from proto3 JSON (binary protobuf ones are
// located in their bytes by ../wire), and responses written in binary
// protobuf or proto3 JSON, from parts put together by concatenation.
export { float32Json } from './float32-json.js';
export { ruleInfo, ruleInfos, ruleInfoJson, type RuleInfoProperties } from './rule-info.js';
export { describeValue, JsonValueError, jsonNames } from './json-values.js';
export { consumerFromJson, consumerScratch, jsonRequestToProto, requestHeader, REQUEST_JSON_FIELDS, type ConsumerScratch, type FieldValue, type JsonConsumer } from './json-request.js';
export { ResponseBuilder, buildScoreBatchResponse, type ResponseOptions, type ScoredBlock } from './response-builder.js';
export { jsonFrame, jsonResultLines, responseJson, responseJsonChunks, RESULT_SEPARATOR, type ResponseFields } from './response-json.js';
export { ResultsWriter } from './results-writer.js';
export {
  assembleMessage,
  assembleResponse,
  batchFields,
  encodeResponse,
  responsePieces,
  summaryOf,
  type EncodedResults,
  type ResponsePart,
  type Serialization,
} from './response-parts.js';
export { EnvelopeReader, envelopePrefix } from './envelopes.js';
