// The probe in a process of its own: the load generator's own event loop must not show up as the node's latency.
// argv: url, local address, paths as JSON. Prints its ProbeStats as JSON when stdin closes.
import { startProbe } from './probe.js';

const [url, localAddress, paths] = process.argv.slice(2);
const probe = startProbe(url!, JSON.parse(paths!) as string[], localAddress);
void probe.started.then(() => process.stdout.write('ready\n'));
process.stdin.resume();
process.stdin.on('end', async () => {
  process.stdout.write(JSON.stringify(await probe.stop()) + '\n');
  process.exit(0);
});
