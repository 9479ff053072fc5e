/**
 * A program's name in a /vm/ path: its 64-hex hash (any case: hex names the same program whatever the case), or
 * the CID of a PROGRAM message stored on IPFS (base58 or base32, whose case is part of the name).
 */
export const VM_REF_PATTERN = '[0-9a-fA-F]{64}|Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{58}';
const VM_REF = new RegExp(`^(?:${VM_REF_PATTERN})$`);
const HEX64 = /^[0-9a-fA-F]{64}$/;

/** The ref as the node names it: hex lower-cased, a CID as it is. */
export function canonicalVmRef(ref: string): string {
  return HEX64.test(ref) ? ref.toLowerCase() : ref;
}

/**
 * `/vm/{ref}{rest}` from the raw request target without building a URL (the warm hot path): [ref, rest] or
 * null when the target needs the full router (not a /vm/ path, or dot segments / percent escapes to normalise).
 */
export function fastVm(raw: string): [string, string] | null {
  if (!raw.startsWith('/vm/') || raw.length < 50) return null;
  let end = 4;
  while (end < raw.length && raw[end] !== '/' && raw[end] !== '?') end += 1;
  const ref = raw.slice(4, end);
  if (!VM_REF.test(ref)) return null;
  const after = raw[end] ?? '';
  const q = raw.indexOf('?', end);
  const path = q < 0 ? raw : raw.slice(0, q);
  if (path.includes('/.') || path.includes('%') || path.includes('\\')) return null;
  const rest = raw.slice(end);
  return [canonicalVmRef(ref), after === '/' ? rest : '/' + rest];
}

const VM = new RegExp(`^/vm/(${VM_REF_PATTERN})(/.*)?$`);

/** The same after URL normalisation (dot segments resolved, escapes kept), for targets the fast path declined. */
export function vmFromPath(raw: string): [string, string] | null {
  let url: URL;
  try {
    url = new URL(raw, 'http://compute');
  } catch {
    return null;
  }
  const m = VM.exec(url.pathname);
  return m ? [canonicalVmRef(m[1]!), (m[2] ?? '/') + url.search] : null;
}
