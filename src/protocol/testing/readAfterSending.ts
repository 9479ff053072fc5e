import { connect } from 'node:net';

/**
 * A client that writes before it reads: sends `head` and a 4 MiB chunked body without reading, then reads
 * everything the server sent, and the reset if one came (`[ECONNRESET]` after what was read). A server that
 * answers early and closes with the client's bytes unread makes the kernel reset the connection, and such a
 * client loses the answer: what these tests look for.
 */
export async function readAfterSending(url: string, head: string, localAddress?: string): Promise<string> {
  const u = new URL(url);
  const socket = connect({ port: Number(u.port), host: u.hostname, ...(localAddress ? { localAddress } : {}) });
  socket.on('error', () => undefined); // a reset is read below, as what came before it
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause();
  const chunk = `${(256 * 1024).toString(16)}\r\n${'z'.repeat(256 * 1024)}\r\n`;
  const write = (data: string) =>
    new Promise<boolean>((resolve) => {
      if (socket.destroyed) return resolve(false);
      socket.write(data, (err) => resolve(!err));
    });
  let sent = await write(`${head}\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n`);
  for (let i = 0; i < 16 && sent; i++) sent = await write(chunk);
  const answer = await new Promise<string>((resolve) => {
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d;
    });
    socket.on('error', (err) => resolve(`${got}[${(err as NodeJS.ErrnoException).code}]`));
    socket.on('close', () => resolve(got));
    socket.resume();
  });
  socket.destroy();
  return answer;
}
