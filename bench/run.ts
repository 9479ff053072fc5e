// `npm run bench -- NAME`: runs bench/NAME.ts, which writes bench/results/NAME.json.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const name = process.argv[2];
const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, `${name}.ts`);
if (!name || !existsSync(file)) {
  console.error(
    `usage: npm run bench -- NAME   (NAME: the file names in bench/, e.g. ingest, cluster, policy, compute, attacks, extraction, console, rollout)`,
  );
  process.exit(2);
}
await import(pathToFileURL(file).href);
