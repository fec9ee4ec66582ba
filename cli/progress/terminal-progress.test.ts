// The first frame TerminalProgress draws: it must already say the pass (the
// review saw "0 rows …" first, then "pass 1/2 …", for start() drew before
// pass() had set it). A stream that says it is a terminal records the frames.
import { describe, expect, it } from 'vitest';
import { TerminalProgress } from './terminal-progress.js';

/** A terminal that keeps what it is sent. */
function fakeTerminal(): { stream: NodeJS.WriteStream; sent: string[] } {
  const sent: string[] = [];
  const stream = { isTTY: true, columns: 120, write: (chunk: string) => sent.push(String(chunk)) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, sent };
}

describe('TerminalProgress', () => {
  it('says the pass in its very first frame', () => {
    const { stream, sent } = fakeTerminal();
    const progress = new TerminalProgress(stream);
    progress.pass(1, 2);
    progress.stop();
    const frames = sent.join('').split(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]|\r/).filter((s) => s.trim() !== '');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]).toMatch(/^pass 1\/2 · 0 rows/);
  });
});
