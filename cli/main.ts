// The gridcode command line: dispatches to a command and turns its failures
// into one line on stderr and an exit status. bin/gridcode.js calls main().
import { checkCommand } from './check-command.js';
import { diffCommand } from './diff/diff-command.js';
import { CommandError, InputError, UsageError } from './errors.js';
import { featuresCommand } from './features-command.js';
import { listCommand } from './list/list-command.js';
import { evaluateCommand } from './outcomes/evaluate-command.js';
import { scoreCommand } from './score-command.js';
import { serveCommand } from './serve-command.js';
import { tuneCommand } from './tune/tune-command.js';

export const USAGE = `Usage: gridcode <command> [options]

Health codes for power consumers from their load curves.

Commands:
  score      score every consumer in a batch file with a rule set (health codes)
  features   compute the curve features of every consumer in a batch file
  check      compile rule-set files and show every error and warning in them
  diff       what changing one rule set for another would do to a batch
  list       the inspection list: RED sites per district, ranked, CSV or XLSX
  evaluate   what the inspections found: precision per rule, code and district, recall from audits
  tune       a proposed next version of a rule set, learned from inspection outcomes
  serve      the scoring service (as npm start; 'gridcode serve --help' for its options)

Run 'gridcode <command> --help' for a command's options.`;

const COMMANDS: Record<string, (args: readonly string[]) => Promise<number>> = {
  score: scoreCommand,
  features: featuresCommand,
  check: checkCommand,
  diff: diffCommand,
  list: listCommand,
  evaluate: evaluateCommand,
  tune: tuneCommand,
  serve: serveCommand,
};

/** Runs the command line `args` (without node and the script) and returns the exit status. */
export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new UsageError(`unknown command ${JSON.stringify(command)}; the commands are ${Object.keys(COMMANDS).join(', ')}`);
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`gridcode: ${error.message}\nRun 'gridcode ${error.command ? `${error.command} ` : ''}--help' for usage.\n`);
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`gridcode: ${error.file}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof CommandError) {
      process.stderr.write(`gridcode: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`gridcode: internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 70;
  }
}
