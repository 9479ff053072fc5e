/**
 * Nesting depth of a JSON text, measured without recursion and without parsing, so that a hostile text
 * (thousands of `[`) costs one linear pass and can be refused before JSON.parse builds it and before
 * anything (JSON.stringify, zod) walks it recursively and overflows the stack.
 *
 * Stops counting at `limit + 1`: the answer is exact up to the limit, and "over" beyond it.
 * Brackets inside strings do not count; the text need not be valid JSON (JSON.parse judges that).
 */
export function jsonDepth(text: string, limit = Number.MAX_SAFE_INTEGER): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return max;
}

/** True when `text` nests deeper than `maxDepth` (a scalar is depth 0, `{}` and `[]` are depth 1). */
export function isJsonTooDeep(text: string, maxDepth: number): boolean {
  return jsonDepth(text, maxDepth) > maxDepth;
}

/**
 * Depth of an already-parsed value, iteratively (an explicit stack, never the call stack). For values that
 * arrive parsed (a multipart field, a websocket frame) where the text is gone.
 */
export function valueDepth(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const here = d + 1;
    if (here > max) {
      max = here;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, here]);
  }
  return max;
}

/**
 * JSON.parse for text that was stored or received long ago and is about to be shown (and so serialized again):
 * null when it nests deeper than `maxDepth` or is not JSON, instead of a value that JSON.stringify overflows on.
 */
export function parseJsonWithin(text: string | null | undefined, maxDepth: number): unknown {
  if (text == null || isJsonTooDeep(text, maxDepth)) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
