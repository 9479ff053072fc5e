// A core node in its own process, for tests that must kill it (-9) and start it again on the same home
// (ALEPH_STORE_URL: on that store, e.g. a PostgreSQL shared with other core nodes).
import { createNode } from '../createNode.js';

const [home, port] = process.argv.slice(2);
const node = await createNode({
  home: home!,
  port: Number(port ?? 0),
  signatureWorkers: Number(process.env.ALEPH_SIGNATURE_WORKERS ?? 1),
  ...(process.env.ALEPH_STORE_URL ? { store: process.env.ALEPH_STORE_URL } : {}),
});
process.stdout.write(`${node.url}\n`);
// Let --cpu-prof write its profile on SIGINT.
process.on('SIGINT', () => process.exit(0));
