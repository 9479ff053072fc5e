import { execFileSync } from 'node:child_process';

/**
 * A free TCP port on the host, for run.sh programs with internet on: they share the host's network namespace, so
 * the fixed in-sandbox port would collide between instances. Synchronous so startSandbox stays synchronous; the
 * tiny race (port taken between probe and listen) shows up as PROGRAM_NOT_LISTENING.
 */
export function findFreePort(): number {
  const script = "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
