import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { parse } from 'smol-toml';
import type { PreparedCode } from './prepareCode.js';

/**
 * The `upgrade_policy` a program's `program.toml` declares (DESIGN §4): `'compatible'` (the default of a
 * manifest), `'immutable'`, or null for a plain program (no manifest, or a squashfs image this client does not
 * open). The node decides with the same file; the CLI reads it only to publish what the policy needs — an
 * immutable program must pin its code and runtime (`use_latest: false`), or the dependency rule refuses it.
 * @example
 * if (manifestPolicyOf(prepareCode('./app'), './app') === 'immutable') console.log('code will be pinned');
 */
export function manifestPolicyOf(code: PreparedCode, path?: string): 'compatible' | 'immutable' | string | null {
  const text = manifestText(code, path);
  if (text === null) return null;
  let manifest: Record<string, unknown>;
  try {
    manifest = parse(text) as Record<string, unknown>;
  } catch {
    return null; // the node refuses a manifest that does not parse, with its own code: nothing to decide here
  }
  return typeof manifest.upgrade_policy === 'string' ? manifest.upgrade_policy : 'compatible';
}

function manifestText(code: PreparedCode, path: string | undefined): string | null {
  if (code.source === 'directory' && path && statSync(path).isDirectory()) {
    const file = join(path, 'program.toml');
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  }
  if (code.encoding !== 'zip') return null;
  const entries = unzipSync(code.bytes, { filter: (f) => f.name === 'program.toml' });
  const bytes = entries['program.toml'];
  return bytes ? new TextDecoder().decode(bytes) : null;
}
