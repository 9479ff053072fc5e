import { createCli } from './createCli.js';
import { printError } from './output.js';

/**
 * Runs `aleph` with argv; every failure ends as `Error [CODE]: message` + a hint on stderr and exit
 * code 1 (commander's own usage errors already exit 1 with its message).
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  const cli = createCli();
  try {
    await cli.parseAsync(argv);
  } catch (e) {
    printError(e, argv.includes('--debug'));
    process.exitCode = 1;
  }
}

await main();
