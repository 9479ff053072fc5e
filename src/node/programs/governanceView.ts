import type { GovernanceView, PendingUpgrade } from '../../protocol/index.js';
import type { FileStore } from '../files/fileStore.js';
import { editionInForce } from '../governance/editionRecords.js';
import type { Db } from '../store/queries.js';
import type { ProgramPendingTable, ProgramsTable } from '../store/tables.js';

/**
 * A pending (time-locked) upgrade as the API shows it.
 *
 * @example
 * pendingView(row); // { message_hash, effective_height, status: 'pending', … }
 */
export function pendingView(r: Omit<ProgramPendingTable, 'id'> & { id: number }): PendingUpgrade {
  return {
    id: r.id,
    message_hash: r.message_hash,
    cause_kind: r.cause_kind,
    checksum: r.checksum,
    sender: r.sender,
    program_owner: r.program_owner,
    time: r.time,
    announced_height: r.announced_height,
    effective_height: r.effective_height,
    status: r.status,
    settled_height: r.settled_height,
    settled_by: r.settled_by,
  };
}

/**
 * The governance half of `GET /api/v0/programs/{id}`: checksum, policy, constructor (annotation and the
 * AVM code it compiled to), the edition in force with its resolved checksum document, and pending upgrades.
 * A plain program has `governed: false`, `upgrade_policy: null` and `constructor: null`.
 */
export async function governanceView(node: { db: Db; files: FileStore }, p: ProgramsTable): Promise<GovernanceView> {
  const e = await editionInForce(node.db, node.files, p);
  const pending = await node.db
    .selectFrom('program_pending')
    .selectAll()
    .where('program_id', '=', p.id)
    .where('status', '=', 'pending')
    .orderBy('id')
    .execute();
  const m = e.manifest;
  return {
    governed: m !== null,
    checksum: e.checksum,
    upgrade_policy: m?.upgrade_policy ?? null,
    constructor: m
      ? {
          annotation: m.constructor.annotation,
          kind: m.constructor.kind,
          avm: m.constructor.avm,
          params: m.constructor.params,
        }
      : null,
    manifest: m ? { name: m.name ?? null, imports: m.imports, interface: m.interface } : null,
    program_owner: e.programOwner,
    version: {
      message_hash: p.current_hash,
      edition: e.edition,
      checksum: e.checksum,
      cause_kind: e.causeKind,
      cause_message: e.messageHash,
      sender: e.sender,
      time: e.time,
      height: e.height,
      references: e.references,
    },
    // The exact document the checksum hashes: `aleph program checksum` swaps in new code and hashes it locally.
    resolved_edition: e.resolved,
    pending: pending.map(pendingView),
  };
}
