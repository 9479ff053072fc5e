import { AlephError } from '../../errors.js';
import type { ProgramContent, ValidMessage } from '../../protocol/index.js';
import { contentOf } from '../apply/contentOf.js';

/**
 * The most one program may declare on this network (a network setting: every node of a network must use the
 * same, or they would judge the same PROGRAM differently). Compute nodes cap what all programs together use
 * on top of this (their capacity).
 */
export interface ProgramLimits {
  /** resources.memory, MiB. */
  memoryMiB: number;
  /** resources.vcpus. */
  vcpus: number;
  /** resources.seconds: the per-request limit and idle timeout. */
  seconds: number;
  /** The sum of `size_mib` over the program's ephemeral and persistent volumes, MiB. */
  diskMiB: number;
}

/** Devnet-sized: room for any example and a real service, not for one program to take a host. */
export const DEFAULT_PROGRAM_LIMITS: ProgramLimits = { memoryMiB: 2048, vcpus: 4, seconds: 300, diskMiB: 4096 };

type Limit = 'memory' | 'vcpus' | 'seconds' | 'disk';

/** What a PROGRAM content declares, in the units of {@link ProgramLimits}. */
export function declaredResources(content: ProgramContent): Record<Limit, number> {
  let disk = 0;
  for (const v of content.volumes) if ('size_mib' in v && typeof v.size_mib === 'number') disk += v.size_mib;
  return { memory: content.resources.memory, vcpus: content.resources.vcpus, seconds: content.resources.seconds, disk };
}

/**
 * Refuses a PROGRAM that declares more than the network allows (PROGRAM_RESOURCES_OVER_LIMIT, 422, naming the
 * limit); any other message passes.
 * @example assertWithinProgramLimits(msg, { ...DEFAULT_PROGRAM_LIMITS, memoryMiB: 1024 })
 */
export function assertWithinProgramLimits(msg: ValidMessage, limits: ProgramLimits): void {
  if (msg.envelope.type !== 'PROGRAM') return;
  const declared = declaredResources(contentOf(msg, 'PROGRAM'));
  const max: Record<Limit, number> = {
    memory: limits.memoryMiB,
    vcpus: limits.vcpus,
    seconds: limits.seconds,
    disk: limits.diskMiB,
  };
  const field: Record<Limit, string> = {
    memory: 'resources.memory (MiB)',
    vcpus: 'resources.vcpus',
    seconds: 'resources.seconds',
    disk: "the volumes' size_mib, summed",
  };
  for (const limit of ['memory', 'vcpus', 'seconds', 'disk'] as const) {
    if (declared[limit] <= max[limit]) continue;
    throw new AlephError(
      'PROGRAM_RESOURCES_OVER_LIMIT',
      `${field[limit]} is ${declared[limit]}, over this network's limit of ${max[limit]}`,
      {
        hint: `declare at most ${max[limit]} (the network's operator sets the limit)`,
        details: { limit, declared: declared[limit], max: max[limit] },
      },
    );
  }
}

/** Defaults completed with what the operator set; a setting that is not a positive number is refused at start. */
export function programLimitsOf(putative: Partial<ProgramLimits> = {}): ProgramLimits {
  const limits = { ...DEFAULT_PROGRAM_LIMITS, ...putative };
  for (const [k, v] of Object.entries(limits)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new AlephError('NODE_SETTING_INVALID', `program limit ${k} must be a positive number, not ${String(v)}`, {
        details: { setting: k },
      });
    }
  }
  return limits;
}
