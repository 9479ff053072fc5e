import { AlephError } from '../../errors.js';
import type { ProgramVolume } from '../../protocol/index.js';

/**
 * The three volume kinds of `aleph program create` options.
 * @example
 * parseVolumeSpec('ephemeral' satisfies VolumeKind, 'mount=/opt/tmp,size_mib=10');
 */
export type VolumeKind = 'immutable' | 'ephemeral' | 'persistent';

const KEYS: Record<VolumeKind, { required: string[]; optional: string[]; example: string }> = {
  immutable: {
    required: ['mount', 'ref'],
    optional: ['use_latest', 'comment'],
    example: 'mount=/opt/packages,ref=<STORE item hash>',
  },
  ephemeral: { required: ['mount', 'size_mib'], optional: ['comment'], example: 'mount=/opt/tmp,size_mib=100' },
  persistent: {
    required: ['name', 'mount', 'size_mib'],
    optional: ['persistence', 'comment'],
    example: 'name=data,mount=/opt/data,size_mib=1000',
  },
};

function fail(kind: VolumeKind, spec: string, why: string): never {
  throw new AlephError('OPTION_INVALID_VOLUME', `--${kind}-volume ${JSON.stringify(spec)}: ${why}`, {
    hint: `expected --${kind}-volume ${KEYS[kind].example}`,
    details: { kind, spec },
  });
}

function parseBool(kind: VolumeKind, spec: string, key: string, v: string): boolean {
  if (/^(true|yes|1)$/i.test(v)) return true;
  if (/^(false|no|0)$/i.test(v)) return false;
  return fail(kind, spec, `${key} must be true or false`);
}

function parseSize(kind: VolumeKind, spec: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) <= 0) fail(kind, spec, 'size_mib must be a positive whole number of MiB');
  return Number(v);
}

/**
 * Parses one `--immutable-volume` / `--ephemeral-volume` / `--persistent-volume` value (`k=v,k=v`, as
 * aleph-client) into the PROGRAM volume the node expects. Unknown or missing keys are refused here so
 * the user hears about it before anything is uploaded.
 * @example
 * parseVolumeSpec('persistent', 'name=data,mount=/opt/data,size_mib=1000');
 * // { name: 'data', mount: '/opt/data', size_mib: 1000, persistence: 'host' }
 * parseVolumeSpec('immutable', 'mount=/opt/packages,ref=25a3…8d94');
 * // { mount: '/opt/packages', ref: '25a3…8d94', use_latest: true }
 */
export function parseVolumeSpec(kind: VolumeKind, spec: string): ProgramVolume {
  const fields = new Map<string, string>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) fail(kind, spec, `"${part}" is not key=value`);
    const key = part.slice(0, eq).trim();
    if (![...KEYS[kind].required, ...KEYS[kind].optional].includes(key)) fail(kind, spec, `unknown key "${key}"`);
    fields.set(key, part.slice(eq + 1).trim());
  }
  for (const k of KEYS[kind].required) if (!fields.get(k)) fail(kind, spec, `missing ${k}`);
  const mount = fields.get('mount') as string;
  if (!mount.startsWith('/')) fail(kind, spec, 'mount must be an absolute path');
  const comment = fields.get('comment');
  const extra = comment ? { comment } : {};
  if (kind === 'ephemeral')
    return { ...extra, mount, ephemeral: true, size_mib: parseSize(kind, spec, fields.get('size_mib') as string) };
  if (kind === 'persistent') {
    const persistence = fields.get('persistence') ?? 'host';
    if (persistence !== 'host' && persistence !== 'store') fail(kind, spec, 'persistence must be host or store');
    return {
      ...extra,
      name: fields.get('name') as string,
      mount,
      size_mib: parseSize(kind, spec, fields.get('size_mib') as string),
      persistence,
    };
  }
  const ref = fields.get('ref') as string;
  if (!/^[0-9a-f]{64}$/.test(ref)) fail(kind, spec, 'ref must be the 64-hex item hash of a STORE message');
  const useLatest = fields.has('use_latest')
    ? parseBool(kind, spec, 'use_latest', fields.get('use_latest') as string)
    : true;
  return { ...extra, mount, ref, use_latest: useLatest };
}

/**
 * Parses every repeated volume option at once, in the order immutable, ephemeral, persistent.
 * @example
 * const volumes = parseVolumeOptions({ ephemeral: ['mount=/opt/tmp,size_mib=10'] });
 */
export function parseVolumeOptions(opts: {
  immutable?: string[];
  ephemeral?: string[];
  persistent?: string[];
}): ProgramVolume[] {
  return [
    ...(opts.immutable ?? []).map((s) => parseVolumeSpec('immutable', s)),
    ...(opts.ephemeral ?? []).map((s) => parseVolumeSpec('ephemeral', s)),
    ...(opts.persistent ?? []).map((s) => parseVolumeSpec('persistent', s)),
  ];
}
