import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AlephError } from '../../errors.js';

/** A block of host uids (and the same gids) reserved for programs, like a /etc/subuid entry. */
export interface UidRange {
  base: number;
  count: number;
}

/** The usual first subordinate block after the 100000 one tools give the first login user. */
export const DEFAULT_UID_RANGE: UidRange = { base: 200_000, count: 65_536 };

/**
 * Host uid of one-off sandboxes (runtime probes): the first of the default range, which programs never get. They
 * write nothing that persists, so one uid for all of them is enough.
 */
export const PROBE_UID = DEFAULT_UID_RANGE.base;

const MAX_UID = 2 ** 32 - 2; // (uid_t)-1 means "no change" to chown and setresuid

const FileSchema = z.object({
  version: z.literal(1),
  uids: z.record(z.string().regex(/^[0-9a-f]{64}$|^[A-Za-z0-9_.-]{1,64}$/), z.number().int().nonnegative()),
});

/** Checks an operator-given range (untrusted config): never root, never past uid_t. */
export function assertUidRange(r: UidRange): UidRange {
  if (
    !Number.isInteger(r.base) ||
    !Number.isInteger(r.count) ||
    r.base < 1000 ||
    r.count < 2 ||
    r.base + r.count - 1 > MAX_UID
  ) {
    throw new AlephError('SANDBOX_UID_RANGE_INVALID', `uid range ${r.base}+${r.count} is not usable`, {
      hint: 'use a base of at least 1000 (200000 by default) and a count of at least 2, ending below 4294967295',
      details: { ...r },
    });
  }
  return r;
}

/**
 * One host uid per program, kept in a JSON file under the compute node's home so that a program finds its
 * persistent files owned by the same uid after a restart or an upgrade. The first uid of the range is never
 * given out (see PROBE_UID); the rest go lowest-free first, and two programs never share one.
 */
export class ProgramUids {
  private readonly byProgram = new Map<string, number>();
  private readonly taken = new Set<number>();
  private readonly leased = new Set<number>();
  readonly range: UidRange;

  constructor(
    private readonly file: string,
    range: UidRange = DEFAULT_UID_RANGE,
  ) {
    this.range = assertUidRange(range);
    if (!existsSync(file)) return;
    let parsed: z.infer<typeof FileSchema>;
    try {
      parsed = FileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (e) {
      throw new AlephError(
        'SANDBOX_UID_MAP_CORRUPT',
        `cannot read the program uid map ${file}: ${(e as Error).message}`,
        {
          hint: 'restore the file from a backup; deleting it gives programs new uids (their persistent files keep the old owner)',
          details: { file },
        },
      );
    }
    for (const [id, uid] of Object.entries(parsed.uids)) {
      // A uid outside the (possibly changed) range may belong to someone else on the host now: allocate afresh.
      if (!this.inRange(uid) || uid === this.range.base || this.taken.has(uid)) continue;
      this.byProgram.set(id, uid);
      this.taken.add(uid);
    }
  }

  private inRange(uid: number): boolean {
    return uid >= this.range.base && uid < this.range.base + this.range.count;
  }

  /** The program's uid, allocated and recorded on first use. */
  uidFor(programId: string): number {
    const known = this.byProgram.get(programId);
    if (known !== undefined) return known;
    let uid = this.range.base + 1;
    while (this.taken.has(uid)) uid++;
    if (!this.inRange(uid)) {
      throw new AlephError('SANDBOX_UIDS_EXHAUSTED', `all ${this.range.count - 1} program uids are in use`, {
        hint: "raise the compute node's uid range count",
        details: { ...this.range },
      });
    }
    this.byProgram.set(programId, uid);
    this.taken.add(uid);
    this.save();
    return uid;
  }

  /**
   * A uid for one pooled sandbox (pool/), not recorded: it is given out again only after `release`, once every
   * process of that sandbox is gone. Taken from the top of the range, so programs' own uids (lowest first) and
   * pooled ones meet only when the range is nearly full; never one a program holds.
   */
  lease(): number {
    let uid = this.range.base + this.range.count - 1;
    while (this.taken.has(uid) && uid > this.range.base) uid--;
    if (uid === this.range.base) {
      throw new AlephError('SANDBOX_UIDS_EXHAUSTED', `all ${this.range.count - 1} program uids are in use`, {
        hint: "raise the compute node's uid range count, or lower its pool size",
        details: { ...this.range },
      });
    }
    this.taken.add(uid);
    this.leased.add(uid);
    return uid;
  }

  release(uid: number): void {
    if (this.leased.delete(uid)) this.taken.delete(uid);
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, uids: Object.fromEntries(this.byProgram) }, null, 1) + '\n', {
      mode: 0o600,
    });
    renameSync(tmp, this.file);
  }
}
