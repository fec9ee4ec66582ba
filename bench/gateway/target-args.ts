// The command-line options bench:gateway and bench:city share: the curves
// they send and the gateway they send them to (started by the script, or an
// SRE's own deployment with --url).
export const TARGET_OPTIONS = {
  days: { type: 'string' },
  points: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  pid: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface TargetArgs {
  days: number;
  points: number;
  seed: number;
  workers: number | undefined;
  url: string | undefined;
  token: string | undefined;
  pid: number | undefined;
  json: boolean;
}

/** An integer option within [min, max] (underscores allowed: 5_800_000), or `fallback` when absent. */
export function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} ${raw}: give an integer from ${min} to ${max}`);
  return n;
}

export function targetArgs(values: { days?: string; points?: string; seed?: string; workers?: string; url?: string; token?: string; pid?: string; json?: boolean }): TargetArgs {
  return {
    days: intOption('days', values.days, 30, 1, 400),
    points: intOption('points', values.points, 96, 24, 288),
    seed: intOption('seed', values.seed, 20240304, 0, 2 ** 32 - 1),
    workers: values.workers === undefined ? undefined : intOption('workers', values.workers, 0, 1, 256),
    url: values.url,
    token: values.token,
    pid: values.pid === undefined ? undefined : intOption('pid', values.pid, 0, 1, 2 ** 31),
    json: values.json ?? false,
  };
}
