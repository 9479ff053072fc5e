// The floor under any proxy written for Node, for bench/compute.ts: every client connection gets its own
// connection to the program's unix socket and bytes are copied both ways as they arrive. Nothing is parsed,
// routed, limited or rewritten, so it is not a usable proxy (no header checks, no timeouts, no x-aleph headers,
// no error answers); what it costs per request is what Node's sockets and event loop cost a proxy on this machine,
// and the compute node cannot go below it however lean its HTTP handling becomes.
import net from 'node:net';

export interface BytePipe {
  url: string;
  stop(): Promise<void>;
}

export async function startBytePipe(socketPath: string): Promise<BytePipe> {
  const open = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect(socketPath);
    open.add(client).add(upstream);
    client.on('data', (b) => upstream.write(b));
    upstream.on('data', (b) => client.write(b));
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
