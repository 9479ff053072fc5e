import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { AlephError } from '../../errors.js';
import { clientOf, withKeyOptions, type CommonOptions } from '../context.js';
import { printJson, uploadProgress } from '../output.js';

/** `aleph file upload FILE`: store a file with a signed STORE. */
export function fileCommand(): Command {
  const file = new Command('file').description('Store files on the network');

  withKeyOptions(
    file
      .command('upload')
      .description('Upload a file and publish a signed STORE for it; prints the file hash and the STORE item hash')
      .argument('<FILE>', 'Path of the file to upload')
      .option(
        '--ref <item_hash>',
        'Amend this earlier STORE (its owner only); programs following it with use_latest move to the new file',
      )
      .option('--channel <channel>', 'Channel of the STORE message [default: ALEPH-CLOUDSOLUTIONS]')
      .option('--json', 'Print as JSON'),
    'Chain of your key (only ETH on this network)',
  ).action(async (path: string, opts: CommonOptions & { ref?: string }, cmd: Command) => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (cause) {
      throw new AlephError('FILE_NOT_FOUND', `cannot read ${path}`, { hint: 'check the path', cause });
    }
    const client = clientOf(cmd, true);
    const progress = uploadProgress(bytes.length);
    const r = await client.uploadFile({
      file: bytes,
      store: { ref: opts.ref, channel: opts.channel },
      onProgress: progress.onProgress,
    });
    progress.done();
    if (opts.json)
      return printJson({
        file_hash: r.hash,
        item_hash: r.message?.item_hash,
        status: r.status,
        size: bytes.length,
        ref: opts.ref ?? null,
      });
    process.stdout.write(
      `File hash:       ${r.hash}\nSTORE item hash: ${r.message?.item_hash}\nStatus:          ${r.status}\n`,
    );
  });

  return file;
}
