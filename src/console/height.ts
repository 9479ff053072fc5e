import { useExternal } from './useExternal.js';
import { heightSchema } from '../protocol/api/programSchemas.js';
import { getAnswer } from './api.js';
import { reads } from './reads.js';

/**
 * The node's height, read once a second: blocks are cut on a clock, empty ones included (README "Heights are
 * time"), and no stream announces an empty block. Null until the first answer or while the node does not answer.
 */
let height: number | null = null;
let blockMs: number | null = null;
const listeners = new Set<(h: number | null) => void>();
let last: { h: number; at: number } | null = null;

async function tick(): Promise<void> {
  try {
    const h = (await getAnswer(heightSchema, reads.height())).height;
    const now = Date.now();
    if (last && h > last.h) blockMs = (now - last.at) / (h - last.h);
    if (!last || h !== last.h) last = { h, at: now };
    height = h;
  } catch {
    height = null;
  }
  for (const l of listeners) l(height);
}

let started = false;
export function startHeight(): void {
  if (started) return;
  started = true;
  void tick();
  setInterval(() => void tick(), 1000);
}

/** Milliseconds per block as observed (null until two heights were seen). */
export const observedBlockMs = () => blockMs;

const onHeight = (changed: () => void) => {
  listeners.add(changed);
  return () => void listeners.delete(changed);
};

export function useHeight(): number | null {
  return useExternal(() => height, onHeight);
}
