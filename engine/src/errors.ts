// Errors that fail a whole batch. A bad consumer never throws: it becomes an
// unusable consumer with a note (GRAY later). Codes are the closed set of
// ../shared/spec/api.md; the gateway maps them to HTTP and gRPC status.
export type BatchErrorCode = 'invalid_argument' | 'not_found' | 'internal';

export class BatchError extends Error {
  override readonly name = 'BatchError';
  constructor(
    readonly code: BatchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A template that is not 96 finite numbers, or a template name that cannot be a feature name. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(message);
  }
}
