import type { ErrorCode } from '../service/codes.js';

/** An error of one task that the client may see: its code and message travel back to the service. */
export class TaskError extends Error {
  override readonly name = 'TaskError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
