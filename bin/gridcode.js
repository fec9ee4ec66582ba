#!/usr/bin/env node
// The gridcode command. The code is TypeScript in cli/, compiled to dist/ by
// `npm install` (its prepare script runs the build); this launcher only loads it.
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (error) {
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && /[/\\](dist|gen)[/\\]/.test(String(error.message));
  if (!missing) throw error;
  process.stderr.write(`gridcode: the command is not built (${String(error.message).split('\n')[0]}): run npm install (it builds gridcode)\n`);
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
