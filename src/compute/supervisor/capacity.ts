import { mkdirSync, statfsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { AlephError } from '../../errors.js';
import type { ProgramView } from '../api/programView.js';

/** What all programs running on one compute node may declare together. */
export interface ComputeCapacity {
  memoryMiB: number;
  vcpus: number;
  /** Summed `size_mib` of the running programs' ephemeral and persistent volumes. */
  diskMiB: number;
}

type Need = ComputeCapacity;
const MiB = 1024 * 1024;
/** Kept for the compute node itself, the core node beside it in a devnet, and the host. */
const RESERVED_MEMORY_MIB = 1024;
/**
 * A vCPU is a CPU-time cap (cgroup cpu.max), not a reserved core: programs that declare more than the host has
 * share it. Memory and disk are not shareable that way and are not overcommitted.
 */
const VCPUS_PER_CORE = 16;

/**
 * The host's own sizes: its memory less a reserve, 16 vCPUs per core, and the free space where volumes live
 * (measured at start).
 */
export function hostCapacity(home: string): ComputeCapacity {
  mkdirSync(home, { recursive: true });
  const fs = statfsSync(home);
  return {
    // On a small host the reserve shrinks to a quarter, so a 2 GiB CI machine still runs a dozen 128 MiB programs.
    memoryMiB: Math.floor(Math.max(totalmem() / MiB - RESERVED_MEMORY_MIB, (totalmem() / MiB) * 0.75)),
    vcpus: availableParallelism() * VCPUS_PER_CORE,
    diskMiB: Math.floor((fs.bavail * fs.bsize) / MiB),
  };
}

export function needOf(v: ProgramView): Need {
  let disk = 0;
  for (const vol of v.volumes) if (vol.kind !== 'immutable') disk += vol.sizeMiB;
  return { memoryMiB: v.memoryMiB, vcpus: v.vcpus, diskMiB: disk };
}

const KEYS = ['memoryMiB', 'vcpus', 'diskMiB'] as const;
const NAMES: Record<(typeof KEYS)[number], string> = { memoryMiB: 'memory', vcpus: 'vcpus', diskMiB: 'disk' };

/**
 * Counts what running programs declared and refuses a start that would take more than the node has
 * (COMPUTE_CAPACITY_EXCEEDED, 503) instead of overcommitting. A program counts once however many of its
 * instances run (an upgrade's new instance beside the draining old one), at the larger of their declarations.
 */
export class Capacity {
  private readonly held = new Map<string, Map<number, Need>>();
  private next = 0;

  constructor(readonly max: ComputeCapacity) {
    for (const k of KEYS) {
      if (!(max[k] > 0))
        throw new AlephError(
          'COMPUTE_SETTING_INVALID',
          `compute capacity ${NAMES[k]} must be a positive number, not ${String(max[k])}`,
          { details: { setting: k } },
        );
    }
  }

  /** What running programs hold now. */
  used(extra?: { programId: string; need: Need }): Need {
    const sum: Need = { memoryMiB: 0, vcpus: 0, diskMiB: 0 };
    const programs = new Map(this.held);
    if (extra) programs.set(extra.programId, new Map([...(programs.get(extra.programId) ?? []), [-1, extra.need]]));
    for (const leases of programs.values()) {
      for (const k of KEYS) sum[k] += Math.max(0, ...[...leases.values()].map((n) => n[k]));
    }
    return sum;
  }

  /** Holds `need` for one instance of the program; call the returned function once it has exited. */
  reserve(programId: string, need: Need): () => void {
    const after = this.used({ programId, need });
    for (const k of KEYS) {
      if (after[k] <= this.max[k]) continue;
      const inUse = this.used()[k];
      throw new AlephError(
        'COMPUTE_CAPACITY_EXCEEDED',
        `this compute node has no room for program ${programId}: it declares ${need[k]} ${NAMES[k]}, ${inUse} of ${this.max[k]} are in use`,
        {
          hint: "try again once other programs stop, or lower the program's resources; the operator sets the capacity",
          details: { resource: NAMES[k], declared: need[k], in_use: inUse, capacity: this.max[k] },
        },
      );
    }
    const id = this.next++;
    let leases = this.held.get(programId);
    if (!leases) this.held.set(programId, (leases = new Map()));
    leases.set(id, need);
    const mine = leases;
    return () => {
      mine.delete(id);
      if (mine.size === 0 && this.held.get(programId) === mine) this.held.delete(programId);
    };
  }
}
