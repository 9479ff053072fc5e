import { Command } from 'commander';
import { createAccount, defaultKeyFilePath } from '../../client/index.js';
import { accountOf, type CommonOptions } from '../context.js';
import { printJson } from '../output.js';

/** `aleph account create|address`: the key that signs every message. */
export function accountCommand(): Command {
  const account = new Command('account').description('Manage the key that signs your messages');

  account
    .command('create')
    .description('Create (or import with --private-key) an Ethereum key and write it to the key file')
    .option('--private-key <key>', 'Import this private key instead of generating one')
    .option('--private-key-file <path>', `Where to write the key [default: ${defaultKeyFilePath()}]`)
    .option('--replace', 'Overwrite an existing key file (the old key is lost) [default: no-replace]')
    .option('--json', 'Print as JSON')
    .action((opts: CommonOptions & { replace?: boolean }) => {
      const { account: acc, path } = createAccount({
        path: opts.privateKeyFile,
        privateKey: opts.privateKey,
        replace: opts.replace,
      });
      if (opts.json) return printJson({ address: acc.address, path });
      process.stdout.write(`Private key written to ${path}\nAddress: ${acc.address}\n`);
    });

  account
    .command('address')
    .description('Print the address of your key')
    .option('--private-key <key>', 'Your private key. Cannot be used with --private-key-file')
    .option('--private-key-file <path>', `Path to your private key file [default: ${defaultKeyFilePath()}]`)
    .option('--json', 'Print as JSON')
    .action((opts: CommonOptions) => {
      const acc = accountOf(opts);
      if (opts.json) return printJson({ address: acc.address });
      process.stdout.write(`${acc.address}\n`);
    });

  return account;
}
