import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ALEPH = fileURLToPath(new URL('../../../bin/aleph.js', import.meta.url));

/** An `aleph compute` process, for tests (and benches) that kill one with -9. */
export interface ComputeProcess {
  url: string;
  address: string;
  child: ChildProcess;
  /** SIGKILL, and resolves once it is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean stop), and resolves once it is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `aleph compute --api-url … --home … --port 0` from the sources and resolves once it prints its URL and
 * address (it has then beaten once and joined the fleet if the core node allows it).
 */
export function startComputeProcess(opts: {
  apiUrl: string;
  home: string;
  name: string;
  programUids: number;
  port?: number;
}): Promise<ComputeProcess> {
  const child = spawn(
    process.execPath,
    [
      ALEPH,
      '--api-url',
      opts.apiUrl,
      'compute',
      '--home',
      opts.home,
      '--port',
      String(opts.port ?? 0),
      '--name',
      opts.name,
      '--program-uids',
      String(opts.programUids),
    ],
    { env: { ...process.env, ALEPH_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const gone = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    // A clean stop that hangs is cut short, so one stuck process never holds a test run.
    const late = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(late);
  };
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
    if (process.env.ALEPH_TEST_COMPUTE_LOG) process.stderr.write(`[${opts.name}] ${d.toString()}`);
  });
  child.once('exit', (code, signal) => {
    if (process.env.ALEPH_TEST_COMPUTE_LOG) process.stderr.write(`[${opts.name}] exited ${code ?? signal}\n`);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void gone('SIGKILL');
      reject(new Error(`aleph compute did not start within 60 s: ${err}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`aleph compute exited (${code}) before starting: ${err}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /URL:\s+(\S+)/.exec(out)?.[1];
      const address = /Address:\s+(0x[0-9a-fA-F]{40})/.exec(out)?.[1];
      if (url && address) {
        clearTimeout(timer);
        resolve({ url, address, child, kill9: () => gone('SIGKILL'), stop: () => gone('SIGTERM') });
      }
    });
  });
}
