import { jsonEqual } from '../checksum/jsonEqual.js';
import type { Manifest, ResolvedEdition } from '../types.js';

const differ = (a: unknown, b: unknown) => !jsonEqual(a ?? null, b ?? null);
const noVars = (v: Record<string, string> | null) => (v && Object.keys(v).length > 0 ? v : null);

/**
 * Names what an upgrade changes, in a fixed order, for the program's history.
 *
 * @example
 * describeChanges({ resolved: a, manifest: m, owner: o }, { resolved: { ...a, resources: { vcpus: 2 } }, manifest: m, owner: o });
 * // ['resources']
 */
export function describeChanges(
  prev: { resolved: ResolvedEdition; manifest: Manifest | null; owner: string },
  next: { resolved: ResolvedEdition; manifest: Manifest | null; owner: string },
): string[] {
  const a = prev.resolved;
  const b = next.resolved;
  const checks: Array<[string, boolean]> = [
    ['code', differ(a.code, b.code)],
    ['runtime', differ(a.runtime, b.runtime)],
    ['volumes', differ(a.volumes, b.volumes)],
    ['environment', differ(a.environment, b.environment)],
    ['resources', differ(a.resources, b.resources)],
    ['variables', differ(noVars(a.variables), noVars(b.variables))],
    ['persistent', a.on.persistent !== b.on.persistent],
    ['http', a.on.http !== b.on.http],
    ['policy', (prev.manifest?.upgrade_policy ?? null) !== (next.manifest?.upgrade_policy ?? null)],
    ['interface', differ(prev.manifest?.interface, next.manifest?.interface)],
    ['imports', differ(prev.manifest?.imports, next.manifest?.imports)],
    ['owner', prev.owner.toLowerCase() !== next.owner.toLowerCase()],
  ];
  return checks.filter(([, changed]) => changed).map(([name]) => name);
}
