/**
 * Long work on the event loop (a large listing, a history, a fan-out to many sockets) goes in small steps:
 * `await fairTurn()` before each step. Steps run for at most SLICE_MS per turn of the loop, taking turns
 * among the waiters; past that, the next step waits for a later turn of the loop, in arrival order, so that between two slices the loop always reads the
 * sockets and ordinary requests wait at most one slice. setImmediate alone was not enough: every immediate
 * queued runs in the same check phase, so four large answers yielding that way still ran back to back.
 */
const SLICE_MS = 5;
const waiting: Array<() => void> = [];
let scheduled = false;
let sliceEnds = 0;

function release(): void {
  scheduled = false;
  sliceEnds = performance.now() + SLICE_MS;
  waiting.shift()?.();
  if (waiting.length > 0) schedule();
}

function schedule(): void {
  scheduled = true;
  setImmediate(release);
}

export function fairTurn(): Promise<void> {
  const inSlice = performance.now() < sliceEnds;
  // Within the slice a turn released, and nobody waiting: go on.
  if (inSlice && waiting.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    waiting.push(resolve);
    // Within the slice: the rest of it goes to whoever has waited longest (round robin), not to the caller.
    if (inSlice) waiting.shift()!();
    if (waiting.length > 0 && !scheduled) schedule();
  });
}
