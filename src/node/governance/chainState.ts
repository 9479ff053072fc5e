import {
  parseAvm,
  type AvmOperand,
  type Manifest,
  type PolicyContext,
  type UpgradePolicyName,
} from '../../policy/index.js';
import type { Db } from '../store/queries.js';
import { MAX_JSON_DEPTH_CEILING, parseJsonWithin } from '../../protocol/index.js';

/** Where and when an attempt is judged: the writer's block, and the candidate edition approvals must name. */
export interface JudgedAt {
  height: number;
  /** The writer's time in seconds; constructors see it truncated. Never the sender's signed `time`. */
  time: number;
  /** The candidate edition: only approvals naming it count (they are single-use, DESIGN §4). */
  edition: number;
}

/** What a constructor may read, named up front so it can be loaded before the (synchronous) interpreter runs. */
interface Reads {
  mappings: Set<string>;
  programs: Set<string>;
}

function collectReads(manifests: Array<Manifest | null>): Reads {
  const reads: Reads = { mappings: new Set(), programs: new Set() };
  const operand = (o: AvmOperand) => {
    if (o.kind === 'program') reads.programs.add(o.program);
  };
  for (const m of manifests) {
    if (!m) continue;
    for (const id of m.imports) reads.programs.add(id);
    for (const ins of parseAvm(m.constructor.avm).instructions) {
      if ('mapping' in ins) reads.mappings.add(ins.mapping);
      for (const key of ['a', 'b', 'key', 'fallback'] as const) {
        const o = (ins as Partial<Record<typeof key, AvmOperand>>)[key];
        if (o) operand(o);
      }
    }
  }
  return reads;
}

/** AGGREGATE content of `<address>/<key>`; the address matches case-insensitively (EIP-55 or not). */
async function loadMapping(db: Db, mapping: string): Promise<Record<string, unknown> | null> {
  const slash = mapping.indexOf('/');
  if (slash <= 0) return null;
  const row = await db
    .selectFrom('aggregates')
    .select('content')
    .where((eb) => eb(eb.fn('lower', ['address']), '=', mapping.slice(0, slash).toLowerCase()))
    .where('key', '=', mapping.slice(slash + 1))
    .executeTakeFirst();
  // Bounded: content stored by an older node may nest past what the policy's JSON.stringify survives.
  const v = row ? parseJsonWithin(row.content, MAX_JSON_DEPTH_CEILING) : null;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function mappingValue(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/**
 * Builds the policy engine's view of chain state (DESIGN §4) from the store. The interpreter is
 * synchronous and pure, so everything the constructors of `manifests` can read — their mappings
 * (AGGREGATE state), the programs they name or import, approvals of this program — is loaded first.
 * `block.height` and `block.timestamp` are the writer's block for the judged message.
 *
 * @example
 * const ctx = await loadPolicyContext(db, programId, [current.manifest, candidateManifest], { height, time, edition: current.edition + 1 });
 */
export async function loadPolicyContext(
  db: Db,
  programId: string,
  manifests: Array<Manifest | null>,
  at: JudgedAt,
): Promise<PolicyContext> {
  const reads = collectReads(manifests);
  const mappings = new Map<string, Record<string, unknown> | null>();
  for (const m of [...reads.mappings].sort()) mappings.set(m, await loadMapping(db, m));

  const programs = new Map<string, { edition: number; owner: string | null; policy: UpgradePolicyName | null }>();
  for (const id of [...reads.programs].sort()) {
    const p = await db.selectFrom('programs').select(['edition', 'status']).where('id', '=', id).executeTakeFirst();
    if (p?.status !== 'live') continue;
    // The edition in force, not the latest recorded: an edition aborted during its rollout never took over.
    const e = await db
      .selectFrom('program_editions')
      .select(['program_owner', 'upgrade_policy'])
      .where('program_id', '=', id)
      .where('edition', '<=', p.edition)
      .orderBy('edition', 'desc')
      .executeTakeFirst();
    // A plain program has no program_owner (Leo: legacy programs) and no policy (counts as not immutable).
    const governed = e?.upgrade_policy === 'compatible' || e?.upgrade_policy === 'immutable';
    programs.set(id, {
      edition: p.edition,
      owner: governed ? e.program_owner : null,
      policy: governed ? (e.upgrade_policy as UpgradePolicyName) : null,
    });
  }

  const approvals = new Map<string, string[]>();
  const rows = await db
    .selectFrom('program_approvals')
    .select(['checksum', 'address'])
    .where('program_id', '=', programId)
    .where('edition', '=', at.edition)
    .orderBy('checksum')
    .orderBy('address')
    .execute();
  for (const r of rows) approvals.set(r.checksum, [...(approvals.get(r.checksum) ?? []), r.address]);

  return {
    height: at.height,
    timestamp: Math.floor(at.time),
    readMapping: (mapping, key) => {
      const content = mappings.get(mapping);
      return content && Object.hasOwn(content, key) ? mappingValue(content[key]) : null;
    },
    programEdition: (id) => programs.get(id)?.edition ?? null,
    programOwnerOf: (id) => programs.get(id)?.owner ?? null,
    programPolicy: (id) => programs.get(id)?.policy ?? null,
    approvals: (checksum) => approvals.get(checksum.toLowerCase()) ?? [],
  };
}
