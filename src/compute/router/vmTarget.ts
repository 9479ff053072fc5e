const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * `/vm/{64 hex}{rest}` from the raw request target without building a URL (the warm hot path): [ref, rest] or
 * null when the target needs the full router (not a /vm/ path, or dot segments / percent escapes to normalise).
 */
export function fastVm(raw: string): [string, string] | null {
  if (!raw.startsWith('/vm/') || raw.length < 68) return null;
  const ref = raw.slice(4, 68);
  const after = raw.length === 68 ? '' : raw[68];
  if ((after !== '' && after !== '/' && after !== '?') || !HEX64.test(ref)) return null;
  const q = raw.indexOf('?', 68);
  const path = q < 0 ? raw : raw.slice(0, q);
  if (path.includes('/.') || path.includes('%') || path.includes('\\')) return null;
  const rest = raw.slice(68);
  return [ref.toLowerCase(), after === '/' ? rest : '/' + rest];
}

const VM = /^\/vm\/([0-9a-fA-F]{64})(\/.*)?$/;

/** The same after URL normalisation (dot segments resolved, escapes kept), for targets the fast path declined. */
export function vmFromPath(raw: string): [string, string] | null {
  let url: URL;
  try {
    url = new URL(raw, 'http://compute');
  } catch {
    return null;
  }
  const m = VM.exec(url.pathname);
  return m ? [m[1].toLowerCase(), (m[2] ?? '/') + url.search] : null;
}
