import type { Command } from 'commander';
import { AlephError } from '../../../../errors.js';
import { buildAggregate, buildPost, UPGRADE_APPROVAL_POST_TYPE, UPGRADE_CANCEL_POST_TYPE } from '../../../../client/index.js';
import { clientOf, withKeyOptions, type CommonOptions } from '../../../context.js';
import { printJson } from '../../../output.js';

/** `aleph program approve <id> <checksum>` (@multisig, or with --mapping the @checksum DAO aggregate). */
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
      .option('--json', 'Print as JSON'),
  ).action(async (id: string, checksum: string, opts: CommonOptions & { mapping?: string; key: string }, cmd: Command) => {
    if (!/^[0-9a-f]{64}$/.test(checksum)) throw new AlephError('OPTION_INVALID_CHECKSUM', 'a checksum is 64 lowercase hex characters', { hint: 'get it with `aleph program checksum ID PATH`' });
    const client = clientOf(cmd, true);
    const sender = (client.account as { address: string }).address;
    let unsigned;
    if (opts.mapping) {
      const slash = opts.mapping.indexOf('/');
      if (slash <= 0) throw new AlephError('OPTION_INVALID_MAPPING', '--mapping must be "<address>/<aggregate key>"');
      unsigned = buildAggregate({ sender, address: opts.mapping.slice(0, slash), key: opts.mapping.slice(slash + 1), content: { [opts.key]: checksum } });
    } else {
      unsigned = buildPost({ sender, type: UPGRADE_APPROVAL_POST_TYPE, ref: id, content: { program_id: id, checksum } });
    }
    const { message, status } = await client.publishMessage({ message: unsigned });
    if (opts.json) return printJson({ id, checksum, item_hash: message.item_hash, type: message.type, status });
    process.stdout.write(`Approved ${checksum} for ${id}: ${message.type} ${message.item_hash} (${status})\n`);
  });
}

/** `aleph program cancel-upgrade <id> [<message hash>]`: the owner stops time-locked upgrades before they take effect. */
export function registerCancelUpgrade(program: Command): void {
  withKeyOptions(
    program
      .command('cancel-upgrade')
      .description(`Cancel pending (@timelock) upgrades of a program you own: a signed POST of type "${UPGRADE_CANCEL_POST_TYPE}"`)
      .argument('<ITEM_HASH>', 'Program id')
      .argument('[MESSAGE_HASH]', 'The announcing message of the upgrade to cancel [default: every pending upgrade]')
      .option('--json', 'Print as JSON'),
  ).action(async (id: string, messageHash: string | undefined, opts: CommonOptions, cmd: Command) => {
    const client = clientOf(cmd, true);
    const sender = (client.account as { address: string }).address;
    const unsigned = buildPost({ sender, type: UPGRADE_CANCEL_POST_TYPE, ref: id, content: { program_id: id, ...(messageHash ? { message_hash: messageHash } : {}) } });
    const { message, status } = await client.publishMessage({ message: unsigned });
    if (opts.json) return printJson({ id, cancelled: messageHash ?? 'all', item_hash: message.item_hash, status });
    process.stdout.write(`Cancelled ${messageHash ? `upgrade ${messageHash}` : 'every pending upgrade'} of ${id}: POST ${message.item_hash} (${status})\n`);
  });
}
