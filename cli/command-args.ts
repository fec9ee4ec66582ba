// A command's options read with node:util parseArgs, the way every gridcode
// command with no positional arguments reads them: strict (an unknown option
// or a missing value is refused), and a refusal is a UsageError naming the
// command, so that it exits 2 pointing at that command's --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The values of `args` for the options of `command`; throws UsageError for a bad command line. */
export function commandOptions<const O extends OptionsConfig>(command: string, args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}
