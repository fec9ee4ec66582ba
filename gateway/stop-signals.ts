// What stops the running service, whatever started it (node directly, `npm
// start`, `gridcode serve`, `npx gridcode serve`, a container's PID 1):
//
// - SIGTERM or SIGINT drains (Gateway.shutdown) and exits with its status.
//   A second signal exits at once, status 1, except the same signal within
//   DUPLICATE_SIGNAL_MS of the first: that is one Ctrl-C delivered twice
//   (the terminal sends SIGINT to the whole foreground group, npm included,
//   and npm forwards it to its child again), not an operator insisting.
// - SIGHUP rereads the rule sets and the tokens file.
// - Under an npm script (npm sets npm_lifecycle_event), the parent going
//   away stops the service as SIGTERM would. `npm start` execs node, so npm
//   forwards SIGTERM itself; but if npm is killed outright (SIGKILL, OOM) or a
//   shell sits between (npx runs the bin through `sh -c`, and sh dies of
//   SIGTERM without passing it on), the server would otherwise keep serving
//   with nobody left to stop it. Only under npm: a server started by hand
//   with `nohup … &` is meant to outlive its shell. Once a signal has started
//   the drain, the parent is no longer watched (a group SIGTERM kills npx's
//   shell too: that is the same stop, not a second signal).
import type { Logger } from './ops/logger.js';

/** Two signals closer than this (ms) are one Ctrl-C seen twice. */
export const DUPLICATE_SIGNAL_MS = 1000;

/** How often (ms) the parent process is looked at under npm. */
export const PARENT_POLL_MS = 500;

export interface Stoppable {
  shutdown(reason: string): Promise<number>;
  reload(): Promise<void>;
}

export interface StopSignalOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** process.exit, replaceable in tests. */
  readonly exit?: (status: number) => void;
}

/** Installs the handlers on `process`; returns a function that removes them. */
export function handleStopSignals(gateway: Stoppable, logger: Logger, options: StopSignalOptions = {}): () => void {
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((status: number) => process.exit(status));
  let first: { signal: string; at: number } | undefined;
  let parentPoll: NodeJS.Timeout | undefined;

  const stop = (signal: string) => {
    const now = performance.now();
    // Once stopping, the parent going away is expected, not a second signal: a
    // group SIGTERM under npx kills the shell too, and the drain must go on.
    clearInterval(parentPoll);
    if (first !== undefined) {
      if (signal === 'parent-exited') return;
      if (signal === first.signal && now - first.at < DUPLICATE_SIGNAL_MS) return;
      logger.warn('second signal: exiting now', { signal });
      exit(1);
      return;
    }
    first = { signal, at: now };
    void gateway.shutdown(signal).then(
      (status) => exit(status),
      (error: unknown) => {
        logger.error('shutdown failed', { err: error });
        exit(1);
      },
    );
  };
  const onHup = () => {
    logger.info('SIGHUP: rereading rule sets and tokens');
    gateway.reload().catch((error: unknown) => logger.error('reload failed', { err: error }));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', onHup);

  const npmScript = env['npm_lifecycle_event'];
  if (npmScript !== undefined && npmScript !== '') {
    const parent = process.ppid;
    parentPoll = setInterval(() => {
      // process.ppid is read afresh each time; an orphan is adopted by init or a subreaper.
      if (process.ppid === parent) return;
      clearInterval(parentPoll);
      logger.warn('the npm process that started the server is gone: shutting down', { npmScript, parent, now: process.ppid });
      stop('parent-exited');
    }, PARENT_POLL_MS);
    parentPoll.unref();
  }

  return () => {
    clearInterval(parentPoll);
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    process.off('SIGHUP', onHup);
  };
}
