import type { Command } from 'commander';
import { AlephError } from '../../../../errors.js';
import { buildPost, UPGRADE_APPROVAL_POST_TYPE, UPGRADE_CANCEL_POST_TYPE } from '../../../../client/index.js';
import { clientOf, withKeyOptions, type CommonOptions } from '../../../context.js';
import { printJson } from '../../../output.js';

/**
 * `aleph program approve <id> <checksum> [--edition N]` (@multisig, or with --mapping the @checksum DAO
 * aggregate). Approvals are single-use: each names the program, the checksum and the candidate
 * edition (default: the program's next edition), and counts for that edition only.
 */
export function registerApprove(program: Command): void {
  withKeyOptions(
    program
      .command('approve')
      .description(
        `Approve a candidate checksum: by default a signed POST (type "${UPGRADE_APPROVAL_POST_TYPE}", content {program_id, checksum}) counted by @multisig; ` +
          'with --mapping, write the checksum into your AGGREGATE read by @checksum',
      )
      .argument('<ITEM_HASH>', 'Program id')
      .argument('<CHECKSUM>', 'Checksum of the candidate edition (from `aleph program checksum`)')
      .option('--mapping <address/key>', 'The @checksum mapping: "<your address>/<aggregate key>"')
      .option('--key <subkey>', 'The @checksum key inside the mapping [default: true]', 'true')
      .option('--edition <N>', 'The edition the upgrade would become [default: the next edition]')
      .option('--json', 'Print as JSON'),
  ).action(
    async (
      id: string,
      checksum: string,
      opts: CommonOptions & { mapping?: string; key: string; edition?: string },
      cmd: Command,
    ) => {
      if (!/^[0-9a-f]{64}$/.test(checksum))
        throw new AlephError('OPTION_INVALID_CHECKSUM', 'a checksum is 64 lowercase hex characters', {
          hint: 'get it with `aleph program checksum ID PATH`',
        });
      if (opts.edition !== undefined && !/^[1-9][0-9]{0,4}$/.test(opts.edition)) {
        throw new AlephError(
          'OPTION_INVALID_EDITION',
          '--edition must be a positive integer: the edition the upgrade would become',
          { hint: 'omit it to approve the next edition (`aleph program show ID` gives the current one)' },
        );
      }
      const client = clientOf(cmd, true);
      const { edition, published } = await client.approveUpgrade({
        id,
        checksum,
        key: opts.key,
        ...(opts.edition !== undefined ? { edition: Number(opts.edition) } : {}),
        ...(opts.mapping !== undefined ? { mapping: opts.mapping } : {}),
      });
      const { message, status } = published;
      if (opts.json)
        return printJson({ id, checksum, edition, item_hash: message.item_hash, type: message.type, status });
      process.stdout.write(
        `Approved ${checksum} as edition ${edition} of ${id}: ${message.type} ${message.item_hash} (${status})\n`,
      );
    },
  );
}

/** `aleph program cancel-upgrade <id> [<message hash>]`: the owner stops time-locked upgrades before they take effect. */
export function registerCancelUpgrade(program: Command): void {
  withKeyOptions(
    program
      .command('cancel-upgrade')
      .description(
        `Cancel pending (@timelock) upgrades of a program you own: a signed POST of type "${UPGRADE_CANCEL_POST_TYPE}"`,
      )
      .argument('<ITEM_HASH>', 'Program id')
      .argument('[MESSAGE_HASH]', 'The announcing message of the upgrade to cancel [default: every pending upgrade]')
      .option('--json', 'Print as JSON'),
  ).action(async (id: string, messageHash: string | undefined, opts: CommonOptions, cmd: Command) => {
    const client = clientOf(cmd, true);
    const sender = (client.account as { address: string }).address;
    const unsigned = buildPost({
      sender,
      type: UPGRADE_CANCEL_POST_TYPE,
      ref: id,
      content: { program_id: id, ...(messageHash ? { message_hash: messageHash } : {}) },
    });
    const { message, status } = await client.publishMessage({ message: unsigned });
    if (opts.json) return printJson({ id, cancelled: messageHash ?? 'all', item_hash: message.item_hash, status });
    process.stdout.write(
      `Cancelled ${messageHash ? `upgrade ${messageHash}` : 'every pending upgrade'} of ${id}: POST ${message.item_hash} (${status})\n`,
    );
  });
}
