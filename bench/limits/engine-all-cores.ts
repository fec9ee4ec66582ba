// The engine on all cores with no I/O, for bench:limits: one worker thread
// per core (os.availableParallelism()), each scoring the same bodies in a
// loop (engine-worker.ts) for the same seconds as the loaded rows. The upper
// bound a gateway on this machine could reach if HTTP cost nothing.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { cpuPerRequest, readProcessCpu, type CpuUse } from './proc-cpu.js';

export interface EngineRun {
  readonly threads: number;
  readonly requests: number;
  readonly seconds: number;
  /** This process's CPU over the window (the worker threads, plus an idle main thread). */
  readonly cpu: CpuUse;
}

export async function engineAllCores(bodies: readonly Uint8Array[], seconds: number, threads = availableParallelism()): Promise<EngineRun> {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: { bodies } }));
  try {
    const message = (w: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    await Promise.all(workers.map(message));
    const before = readProcessCpu('self');
    const until = Date.now() + seconds * 1000;
    const done = workers.map(message);
    for (const w of workers) w.postMessage(until);
    const counts = (await Promise.all(done)) as number[];
    const after = readProcessCpu('self');
    const requests = counts.reduce((a, b) => a + b, 0);
    return { threads, requests, seconds: (after.at - before.at) / 1000, cpu: cpuPerRequest(before, after, requests) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
