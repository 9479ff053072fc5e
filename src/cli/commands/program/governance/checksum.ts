import type { Command } from 'commander';
import { AlephError } from '../../../../errors.js';
import { localChecksum, prepareCode } from '../../../../client/index.js';
import { clientOf, type CommonOptions } from '../../../context.js';
import { readJsonFile } from '../../../optionParsers.js';
import { printJson } from '../../../output.js';
import { governed } from './shared.js';

/** `aleph program checksum <id> [<dir|zip>]`: the checksum a DAO approves, before anything is signed. */
export function registerChecksum(program: Command): void {
  program
    .command('checksum')
    .description(
      'Print the checksum the program would have with new code (computed locally, as the node does; what a DAO approves); without PATH, the current checksum',
    )
    .argument('<ITEM_HASH>', 'Program id')
    .argument('[PATH]', 'New code: a directory, .zip or .squashfs')
    .option(
      '--content <file>',
      'A JSON file holding a full candidate PROGRAM content instead of new code (asks the node, changing nothing)',
    )
    .option('--json', 'Print as JSON')
    .action(async (id: string, path: string | undefined, opts: CommonOptions & { content?: string }, cmd: Command) => {
      const client = clientOf(cmd, false);
      const p = await governed(id, () => client.getProgram({ id }));
      let out: Record<string, unknown>;
      if (opts.content) {
        const v = await governed(id, () =>
          client.dryRunProgram({
            id,
            candidate: { content: readJsonFile(opts.content!, '--content') as Record<string, unknown> },
          }),
        );
        out = { id, checksum: v.checksum, source: 'node dry-run' };
      } else if (path) {
        out = {
          id,
          ...localChecksum(p.resolved_edition, prepareCode(path)),
          current_edition: p.edition,
          current_checksum: p.checksum,
        };
      } else {
        if (!p.checksum)
          throw new AlephError('PROGRAM_NO_CHECKSUM', `the node reports no checksum for ${id}`, {
            hint: 'this node does not compute edition checksums',
          });
        out = { id, edition: p.edition, checksum: p.checksum };
      }
      if (opts.json) return printJson(out);
      process.stdout.write(`${String(out.checksum)}\n`);
    });
}
