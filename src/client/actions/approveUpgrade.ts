import { AlephError } from '../../errors.js';
import { UPGRADE_APPROVAL_POST_TYPE } from '../constants.js';
import { buildAggregate } from '../messages/buildAggregate.js';
import { buildPost } from '../messages/buildPost.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';
import { getProgram } from './getProgram.js';
import { publishMessage, type PublishMessageReturnType } from './publishMessage.js';

/**
 * Parameters of {@link approveUpgrade}. An approval is single-use: it names the program, the candidate
 * checksum and the candidate edition, and counts for that edition only.
 * @example
 * const p: ApproveUpgradeParameters = { id, checksum, edition: 3, mapping: `${dao}/approved_checksum` };
 */
export interface ApproveUpgradeParameters {
  id: string;
  /** 64 hex characters, from `aleph program checksum` or a dry run. */
  checksum: string;
  /** The edition the upgrade would become; default: the program's next edition (`next_edition`). */
  edition?: number;
  /** For `@checksum`: `"<address>/<aggregate key>"`, written as an AGGREGATE instead of a `@multisig` POST. */
  mapping?: string;
  /** The subkey inside the mapping; default `true` (the Leo vote pattern). */
  key?: string;
}

/**
 * What {@link approveUpgrade} returns: the approval (`{program_id, checksum, edition}`) and its message.
 * @example
 * const { edition, published }: ApproveUpgradeReturnType = await approveUpgrade(config, { id, checksum });
 */
export interface ApproveUpgradeReturnType {
  approval: { program_id: string; checksum: string; edition: number };
  edition: number;
  published: PublishMessageReturnType;
}

/**
 * Approves one upgrade of a program (`aleph program approve`): a signed POST `program-upgrade-approval`
 * counted by `@multisig`, or with `mapping` the `{program_id, checksum, edition}` entry of the AGGREGATE
 * an `@checksum` constructor reads.
 * @example
 * await approveUpgrade(config, { id, checksum });                       // @multisig, next edition
 * await approveUpgrade(config, { id, checksum, mapping: `${dao.address}/approved_checksum` });
 */
export async function approveUpgrade(
  config: ClientConfig,
  p: ApproveUpgradeParameters,
): Promise<ApproveUpgradeReturnType> {
  if (!/^[0-9a-f]{64}$/.test(p.checksum))
    throw new AlephError('OPTION_INVALID_CHECKSUM', 'a checksum is 64 lowercase hex characters', {
      hint: 'get it with `aleph program checksum ID PATH`',
    });
  if (p.edition !== undefined && (!Number.isSafeInteger(p.edition) || p.edition < 1 || p.edition > 0xffff)) {
    throw new AlephError(
      'OPTION_INVALID_EDITION',
      'the edition must be a positive integer: the edition the upgrade would become',
      { hint: 'omit it to approve the next edition (`aleph program show ID` gives the current one)' },
    );
  }
  const sender = requireAccount(config).address;
  const edition = p.edition ?? (await nextEdition(config, p.id));
  const approval = { program_id: p.id, checksum: p.checksum, edition };
  let message;
  if (p.mapping !== undefined) {
    const slash = p.mapping.indexOf('/');
    if (slash <= 0) throw new AlephError('OPTION_INVALID_MAPPING', 'the mapping must be "<address>/<aggregate key>"');
    message = buildAggregate({
      sender,
      address: p.mapping.slice(0, slash),
      key: p.mapping.slice(slash + 1),
      content: { [p.key ?? 'true']: approval },
    });
  } else {
    message = buildPost({ sender, type: UPGRADE_APPROVAL_POST_TYPE, ref: p.id, content: approval });
  }
  return { approval, edition, published: await publishMessage(config, { message }) };
}

/** The number the program's next upgrade gets (above an edition aborted during its rollout). */
async function nextEdition(config: ClientConfig, id: string): Promise<number> {
  const view = await getProgram(config, { id });
  return view.next_edition ?? view.edition + 1;
}
