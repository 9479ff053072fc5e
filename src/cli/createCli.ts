import { Command } from 'commander';
import { accountCommand } from './commands/account.js';
import { computeCommand } from './commands/compute.js';
import { devnetCommand } from './commands/devnet.js';
import { nodeCommand } from './commands/node.js';
import { fileCommand } from './commands/file.js';
import { messageCommand } from './commands/message.js';
import { programCommand } from './commands/program/index.js';

/** The whole `aleph` command tree; main.ts runs it, tests may inspect it. */
export function createCli(): Command {
  const cli = new Command('aleph')
    .description('aleph-ts: deploy serverless programs whose every update is governed by policy')
    .option('--api-url <url>', 'Node API to talk to [default: $ALEPH_API_URL or http://127.0.0.1:4024]')
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: false });
  cli.addCommand(accountCommand());
  cli.addCommand(fileCommand());
  cli.addCommand(messageCommand());
  cli.addCommand(programCommand());
  cli.addCommand(devnetCommand());
  cli.addCommand(computeCommand());
  cli.addCommand(nodeCommand());
  // Descriptions carry the reference's own "[default: …]" text; commander's "(default: …)" would repeat it.
  const plainHelp = (cmd: Command): void => {
    cmd.configureHelp({ sortSubcommands: false, optionDescription: (opt) => opt.description });
    cmd.commands.forEach(plainHelp);
  };
  plainHelp(cli);
  return cli;
}
