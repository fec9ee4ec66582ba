// One thread of bench:limits' "engine on all cores": an InProcessScorer (the
// whole worker job: scan, features, rules, results, encode) scoring the
// bodies it was given round-robin, from a 'go' until the deadline it is sent,
// then posting how many bodies it scored. No I/O, no copies in between.
import { parentPort, workerData } from 'node:worker_threads';
import { InProcessScorer } from '../gateway/in-process.js';

const bodies = (workerData as { bodies: Uint8Array[] }).bodies;
const scorer = await InProcessScorer.load();
const times = { seconds: { scan: 0, features: 0, rules: 0, results: 0, encode: 0 }, wireScanSeconds: 0, consumers: 0, responseBytes: 0 };
for (const body of bodies) scorer.score(body, times); // warm-up: wasm tiers up, rule set compiled
parentPort!.postMessage('warm');
parentPort!.once('message', (until: number) => {
  let scored = 0;
  // Date.now(): the deadline is set by the main thread, whose performance.now() has another origin.
  while (Date.now() < until) scorer.score(bodies[scored++ % bodies.length]!, times);
  parentPort!.postMessage(scored);
});
