import { isAlephError } from '../../errors.js';
import {
  computeChecksum,
  evaluateDeployment,
  isPendingVerdict,
  type AcceptedVerdict,
  type PendingVerdict,
  type RejectedVerdict,
} from '../../policy/index.js';
import { sameAddress, type ProgramContent } from '../../protocol/index.js';
import { mayActFor, type ApplyContext } from '../apply/applyContext.js';
import { resolveProgramRefs, saveProgramRefs } from '../apply/programRefs.js';
import type { ProgramRefsTable, ProgramsTable } from '../store/tables.js';
import { announceUpgrade, applyUpgrade, refusalOfDecision } from './applyDecision.js';
import { loadPolicyContext } from './chainState.js';
import { insertEdition } from './editionRecords.js';
import { judgeUpgrade, type CauseMessage, type UpgradeDecision } from './judgeUpgrade.js';
import { readCodeManifest } from './readManifest.js';
import { ProgramRefusedError, refusalOfError, refusalOfVerdict } from './refusals.js';
import { editionRefs, programContentOf } from './resolvedEdition.js';

type Content = ProgramContent & { address: string };

function causeOf(ctx: ApplyContext): CauseMessage {
  return { hash: ctx.msg.envelope.item_hash, sender: ctx.msg.sender, time: ctx.block.time };
}

/** Resolves refs; an unknown ref refuses the attempt and is kept on the program's history. */
async function refsOrRefuse(
  ctx: ApplyContext,
  programId: string,
  content: Content,
  causeKind: string,
): Promise<ProgramRefsTable[]> {
  try {
    return await resolveProgramRefs(ctx.db, programId, content);
  } catch (e) {
    if (!isAlephError(e)) throw e;
    throw new ProgramRefusedError(
      refusalOfError(e, { programId, message: causeOf(ctx), causeKind, checksum: null, height: ctx.block.height }),
      e,
    );
  }
}

/**
 * A first deployment (edition 0): the program's own manifest decides (DESIGN §4). A bad
 * program.toml, a constructor that does not compile, or one that refuses edition 0 rejects the
 * message; the refusal is kept under the would-be program id.
 *
 * @example
 * await deployGoverned(ctx, content); // throws ProgramRefusedError when refused
 */
export async function deployGoverned(ctx: ApplyContext, content: Content): Promise<void> {
  const message = causeOf(ctx);
  const id = message.hash;
  const refs = await refsOrRefuse(ctx, id, content, 'deploy');
  const { resolved, references } = editionRefs(content, refs);
  const code = await readCodeManifest(ctx.files, resolved.code.file_hash, resolved.code.encoding);
  const manifest = typeof code.manifest === 'string' ? null : code.manifest;
  const policyCtx = await loadPolicyContext(ctx.db, id, [manifest], { ...ctx.block, edition: 0 });
  const senderAuthorized = await mayActFor(ctx, content.address);
  const verdict = evaluateDeployment({
    senderAuthorized,
    candidate: {
      manifest: code.manifest,
      resolved,
      references,
      owner: content.address,
      sourceHashes: code.sourceHashes,
    },
    ctx: policyCtx,
  });
  const checksum = computeChecksum(resolved);
  if (!verdict.accepted) {
    throw new ProgramRefusedError(
      refusalOfVerdict(verdict as RejectedVerdict, {
        programId: id,
        message,
        causeKind: 'deploy',
        checksum,
        height: ctx.block.height,
      }),
    );
  }
  const accepted = verdict as AcceptedVerdict;
  await ctx.db
    .insertInto('programs')
    .values({
      id,
      owner: content.address,
      current_hash: id,
      edition: 0,
      status: 'live',
      created_height: ctx.height,
      updated_height: ctx.height,
    })
    .execute();
  await saveProgramRefs(ctx.db, id, refs);
  await insertEdition(ctx.db, {
    programId: id,
    edition: 0,
    checksum: accepted.checksum,
    messageHash: id,
    causeKind: 'deploy',
    sender: message.sender,
    programOwner: content.address,
    time: message.time,
    height: ctx.block.height,
    changes: accepted.changes,
    resolved,
    references,
    manifest: accepted.manifest,
    sourceHashes: code.sourceHashes,
  });
  ctx.events.push({ kind: 'program-updated', programId: id });
}

/**
 * A PROGRAM with `replaces` (DESIGN §3 events a and c): judged by the program's policy. Accepted
 * replaces the version in force; `@timelock` announces it (the message is accepted, the program
 * waits); refused rejects the message and records the refusal on the program.
 *
 * @example
 * await replaceGoverned(ctx, program, content);
 */
export async function replaceGoverned(
  ctx: ApplyContext,
  program: ProgramsTable,
  content: Content,
): Promise<UpgradeDecision> {
  const inForce = await ctx.db
    .selectFrom('messages')
    .select('content')
    .where('item_hash', '=', program.current_hash)
    .executeTakeFirst();
  const persistentBefore = inForce?.content ? programContentOf(inForce.content).on.persistent : content.on.persistent;
  // persist/unpersist (a replacement flipping on.persistent) is its own event kind in the history.
  const causeKind = persistentBefore !== content.on.persistent ? 'persist' : 'replace';
  const refs = await refsOrRefuse(ctx, program.id, content, causeKind);
  const d = await judgeUpgrade(ctx, {
    program,
    cause: { kind: causeKind, replaces: content.replaces ?? program.id },
    causeKind,
    message: causeOf(ctx),
    senderAuthorized: (await mayActFor(ctx, content.address)) && sameAddress(program.owner, content.address),
    owner: content.address,
    content,
    contentHash: ctx.msg.envelope.item_hash,
    refs,
    pending: { kind: 'replace' },
  });
  if (d.verdict.accepted) await applyUpgrade(ctx, d as UpgradeDecision & { verdict: AcceptedVerdict });
  else if (isPendingVerdict(d.verdict)) await announceUpgrade(ctx, d as UpgradeDecision & { verdict: PendingVerdict });
  else throw new ProgramRefusedError(refusalOfDecision(ctx, d as UpgradeDecision & { verdict: RejectedVerdict }));
  return d;
}
