import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { HOST_PYTHON } from '../runtime/hostFacts.js';
import { closeFdsPrefix, inheritableFds } from '../sandbox/inheritedFds.js';
import { STAGE_DIR } from '../sandbox/dropPrivileges.js';
import { MOUNT_HELPER } from './mountHelperScript.js';

/** One mount of a program, as the helper makes it inside a pooled sandbox. */
export type HelperMount =
  | { kind: 'ro'; host: string; at: string }
  | { kind: 'rw'; host: string; at: string }
  | { kind: 'tmpfs'; size: number; at: string };

export interface AssignMounts {
  /** /proc/<pid>/ns/mnt of a process of the sandbox, and the inode it had when the sandbox was filled. */
  ns: string;
  ino: number;
  /** The sandbox's host uid: owns the mount points and tmpfs volumes. */
  uid: number;
  tmpBytes: number;
  mounts: HelperMount[];
}

const ReplySchema = z.object({ id: z.number().int(), ok: z.boolean(), error: z.string().nullable() });
const MAX_REPLY = 4096;

/**
 * The long-lived privileged helper (mountHelperScript.ts), started with the pool's first fill: one python3 process
 * for the compute node, one child per assignment (forked before it is asked for). Requests are answered in order.
 */
export class MountHelper {
  private proc: ChildProcess | null = null;
  private readonly waiting = new Map<number, { ok: () => void; fail: (e: Error) => void }>();
  private next = 0;

  /** Starts the helper if it is not running (the pool does when it fills, so no assignment waits for it). */
  start(): ChildProcess {
    if (this.proc && this.proc.exitCode === null && !this.proc.killed) return this.proc;
    const [cmd, ...rest] = [...closeFdsPrefix(inheritableFds()), HOST_PYTHON, '-I', '-S', '-c', MOUNT_HELPER];
    const p = spawn(cmd, rest, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    p.stdin!.on('error', () => {});
    let stderr = '';
    p.stderr!.on('data', (b: Buffer) => {
      if (stderr.length < MAX_REPLY) stderr += b.toString('utf8');
    });
    const lines = createInterface({ input: p.stdout! });
    lines.on('line', (line) => {
      if (line.length > MAX_REPLY) return;
      let r: z.infer<typeof ReplySchema>;
      try {
        r = ReplySchema.parse(JSON.parse(line));
      } catch {
        return;
      }
      // -1: the request being carried out when the helper's child died (requests are answered in order).
      const id = r.id === -1 ? this.waiting.keys().next().value : r.id;
      const w = id === undefined ? undefined : this.waiting.get(id);
      if (!w) return;
      this.waiting.delete(id!);
      if (r.ok) w.ok();
      else w.fail(new Error(r.error ?? 'the mount helper failed'));
    });
    p.on('exit', (code) => {
      const e = new Error(`the mount helper exited (${code}): ${stderr.trim().split('\n').slice(-2).join(' / ')}`);
      for (const w of this.waiting.values()) w.fail(e);
      this.waiting.clear();
      if (this.proc === p) this.proc = null;
    });
    this.proc = p;
    return p;
  }

  /** Mounts the program's code and volumes into the pooled sandbox; rejects with SANDBOX_POOL_ASSIGN_FAILED. */
  assign(req: AssignMounts): Promise<void> {
    const id = this.next++;
    const p = this.start();
    return new Promise<void>((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      const body = JSON.stringify({ id, stage: STAGE_DIR, ...req });
      p.stdin!.write(`${Buffer.byteLength(body)}\n${body}`);
    }).catch((e: Error) => {
      throw new AlephError(
        'SANDBOX_POOL_ASSIGN_FAILED',
        `could not hand the pooled sandbox its program: ${e.message}`,
        {
          hint: 'the program starts in a fresh sandbox instead; the pool needs a kernel with the new mount API (5.12+)',
        },
      );
    });
  }

  close(): void {
    this.proc?.stdin?.end();
    this.proc = null;
  }
}
