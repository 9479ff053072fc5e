/**
 * Long work on the event loop (a large listing, a history, a fan-out to many sockets) goes in small steps:
 * `await fairTurn()` before each step. Steps run for at most SLICE_MS per turn of the loop, taking turns
 * among the waiters; past that, the next step waits for a later turn of the loop, in arrival order, so that between two slices the loop always reads the
 * sockets and ordinary requests wait at most one slice. setImmediate alone was not enough: every immediate
 * queued runs in the same check phase, so four large answers yielding that way still ran back to back.
 *
 * Two queues: an ordinary read (a bounded page) waits with `{ ordinary: true }` and goes before bulk work (a
 * `pagination=0` answer, a history, a fan-out). With one queue a page of 20 large messages (20 steps) went to the
 * back of the line behind 200 histories at every step, and took seconds (the probe's 1.7 s and 16 s reads).
 * Bulk work still runs: every slice of the loop starts with whoever waits, ordinary first.
 */
const SLICE_MS = 5;
const ordinary: Array<() => void> = [];
const bulk: Array<() => void> = [];
let scheduled = false;
let sliceEnds = 0;

const waiters = () => ordinary.length + bulk.length;
const next = () => (ordinary.shift() ?? bulk.shift())?.();

function release(): void {
  scheduled = false;
  sliceEnds = performance.now() + SLICE_MS;
  next();
  if (waiters() > 0) schedule();
}

function schedule(): void {
  scheduled = true;
  setImmediate(release);
}

export function fairTurn(opts: { ordinary?: boolean } = {}): Promise<void> {
  const inSlice = performance.now() < sliceEnds;
  // Within the slice a turn released, and nobody waiting: go on.
  if (inSlice && waiters() === 0) return Promise.resolve();
  return new Promise((resolve) => {
    (opts.ordinary ? ordinary : bulk).push(resolve);
    // Within the slice: the rest of it goes to whoever has waited longest (round robin), ordinary reads first.
    if (inSlice) next();
    if (waiters() > 0 && !scheduled) schedule();
  });
}
