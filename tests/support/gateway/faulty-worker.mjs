// Test-only scoring worker (gateway/pool/pool.workers.test.ts,
// gateway/faults.workers.test.ts): the real compiled
// worker (dist/gateway/worker/score-worker.js), except that a batch holding a
// consumer whose id names a fault meets it in the middle of scoring:
//   fault:exit   the thread calls process.exit(3) (as if killed);
//   fault:throw  the thread throws outside the task (an uncaught exception);
//   fault:trap   the engine traps for real: its computeFeatures is called with
//                a consumer index past the end of its memory (a
//                WebAssembly.RuntimeError, "memory access out of bounds").
// In a part of a split batch, only the part holding that consumer meets it.
// It also answers { kind: 'fault-probe' } with the engine instances this
// thread made and which of them trapped or scored last, and { kind:
// 'fault-sleep', ms } after `ms` (to keep a worker busy), and { kind:
// 'fault-work', ms, seen } likewise, storing 1 in `seen` (an Int32Array's
// SharedArrayBuffer) once started, for the test to see it running. These are
// claimed first, as the real worker claims its tasks (gateway/pool/task-abort.ts).
import { threadId } from 'node:worker_threads';

let instances = 0;
let lastUsed = 0;
const trapped = [];
let armed = false;

// Before the real worker is imported: every engine it instantiates goes through here.
const instantiate = WebAssembly.instantiate.bind(WebAssembly);
WebAssembly.instantiate = async (module, imports) => {
  const made = await instantiate(module, imports);
  const instance = 'instance' in made ? made.instance : made;
  const number = ++instances;
  const real = instance.exports;
  const exports = {
    ...real,
    computeFeatures(first, count, groups) {
      lastUsed = number;
      if (!armed) return real.computeFeatures(first, count, groups);
      armed = false;
      trapped.push(number);
      // Index 2^31 - 2^16: its status byte lies far past the 1 GiB memory cap.
      return real.computeFeatures(0x7fff0000, 1, groups);
    },
  };
  return 'instance' in made ? { ...made, instance: { exports } } : { exports };
};

const dist = new URL('../../../dist/', import.meta.url);
const { default: handle } = await import(new URL('gateway/worker/score-worker.js', dist).href);
const { scanRequest } = await import(new URL('engine/src/index.js', dist).href);
const { markStarted } = await import(new URL('gateway/pool/task-abort.js', dist).href);

/** Whether the consumers this task scores (all, or its part's) hold `marker`. */
function holds(task, marker) {
  const bytes = Buffer.from(task.buffer, task.offset, task.length);
  if (!task.part) return bytes.includes(marker);
  const { spans } = scanRequest(bytes).consumers;
  const n = spans.length >> 1;
  const from = Math.floor((task.part.index * n) / task.part.count);
  const to = Math.floor(((task.part.index + 1) * n) / task.part.count);
  return to > from && bytes.subarray(spans[2 * from], spans[2 * to - 1]).includes(marker);
}

export default async function faulty(task) {
  // Its own kinds are claimed here as the real worker claims a task; the others, by the real worker.
  if (String(task.kind).startsWith('fault-') && !markStarted(task.started)) return { kind: 'error', error: { code: 'canceled', message: 'canceled while queued' } };
  if (task.kind === 'fault-probe') return { kind: 'probe', threadId, instances, trapped: [...trapped], lastUsed };
  if (task.kind === 'fault-work') {
    Atomics.store(new Int32Array(task.seen), 0, 1);
    await new Promise((resolve) => setTimeout(resolve, task.ms));
    return { kind: 'pong', threadId };
  }
  if (task.kind === 'fault-sleep') {
    await new Promise((resolve) => setTimeout(resolve, task.ms));
    return { kind: 'pong', threadId };
  }
  if (task.kind === 'score') {
    if (holds(task, 'fault:exit')) process.exit(3);
    if (holds(task, 'fault:throw')) {
      setImmediate(() => {
        throw new Error('fault fixture: thrown outside the task');
      });
      return new Promise(() => {});
    }
    armed = holds(task, 'fault:trap');
  }
  try {
    return await handle(task);
  } finally {
    armed = false;
  }
}
