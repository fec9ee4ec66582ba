// `gridcode serve [options]`: the scoring service, the same program as
// `npm start` and `node dist/gateway/main.js`, with the same options (it runs
// the gateway's own entry, so flags, environment, --config and --help are
// the gateway's). Loaded only when asked for: the other commands do not pay
// for the gateway's imports. The gateway handles SIGTERM/SIGINT/SIGHUP itself
// (gateway/stop-signals.ts) and exits with its drain status.

/** Starts the service; resolves once it serves (status 0) or failed to start (the gateway's status: 2 bad options, 1 startup failed). */
export async function serveCommand(args: readonly string[]): Promise<number> {
  const gateway = await import('../gateway/main.js');
  await gateway.main(args);
  const status = process.exitCode;
  return typeof status === 'number' ? status : Number(status ?? 0);
}
