// The ways the command fails. Both are printed by main.ts as one line;
// anything else that escapes is a bug and is printed with its stack.

/** A failure the user can act on: `gridcode: <message>`, exit status 1. */
export class CommandError extends Error {
  override readonly name: string = 'CommandError';
}

/** A problem with one of the command's files: `gridcode: <file>: <message>`, exit status 1. */
export class InputError extends CommandError {
  override readonly name = 'InputError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** A mistake in the command line itself: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose --help to point at. */
    readonly command: string = '',
  ) {
    super(message);
  }
}

/** A short reason for a failed file operation, without the path that the caller prints anyway. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'a parent of this path is not a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
