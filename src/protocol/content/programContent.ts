import { z } from 'zod';
import { address, baseFields, hash, itemHashRef, payment } from './baseContent.js';
import { duplicateVolumes, mountPath, volumeName } from './volumeRules.js';

const codeContent = z.strictObject({
  encoding: z.enum(['plain', 'zip', 'squashfs']),
  entrypoint: z.string().min(1),
  ref: itemHashRef,
  interface: z.enum(['asgi', 'binary']).nullish(),
  args: z.array(z.string()).nullish(),
  use_latest: z.boolean().default(false),
  estimated_size_mib: z.number().nullish(),
});

const runtimeContent = z.strictObject({
  ref: itemHashRef,
  use_latest: z.boolean().default(true),
  comment: z.string().default(''),
});

const dataContent = z.strictObject({
  encoding: z.enum(['plain', 'zip', 'squashfs']),
  mount: mountPath,
  ref: itemHashRef.nullish(),
  use_latest: z.boolean().default(false),
});

const exportContent = z.strictObject({ encoding: z.enum(['plain', 'zip', 'squashfs']), mount: mountPath });

const immutableVolume = z.strictObject({
  comment: z.string().nullish(),
  mount: mountPath,
  ref: itemHashRef,
  use_latest: z.boolean().default(true),
  estimated_size_mib: z.number().nullish(),
});
const ephemeralVolume = z.strictObject({
  comment: z.string().nullish(),
  mount: mountPath,
  ephemeral: z.literal(true),
  size_mib: z.number().int().positive(),
});
const persistentVolume = z.strictObject({
  comment: z.string().nullish(),
  mount: mountPath,
  parent: z.strictObject({ ref: itemHashRef, use_latest: z.boolean().default(true) }).nullish(),
  persistence: z.enum(['host', 'store']).default('host'),
  name: volumeName,
  size_mib: z.number().int().positive(),
});
/** More volumes than any program needs only lengthens every mount table and checksum. */
const MAX_VOLUMES = 32;

// Order matters: ephemeral and persistent have a discriminating field, immutable is the fallback.
export const volume = z.union([ephemeralVolume, persistentVolume, immutableVolume]);

const functionTriggers = z.strictObject({
  http: z.boolean().default(true),
  persistent: z.boolean().default(false),
  message: z.array(z.record(z.string(), z.unknown())).nullish(),
});

const environment = z.strictObject({
  reproducible: z.boolean().default(false),
  internet: z.boolean().default(false),
  aleph_api: z.boolean().default(false),
  shared_cache: z.boolean().default(false),
});

const resources = z.strictObject({
  vcpus: z.number().int().positive().default(1),
  memory: z.number().int().positive().default(128),
  seconds: z.number().positive().default(1),
  published_ports: z.array(z.unknown()).nullish(),
});

/** aleph's ProgramContent (`type: vm-function`), every field checked, unknown fields refused. */
export const programContent = z.strictObject({
  ...baseFields,
  type: z.literal('vm-function'),
  allow_amend: z.boolean().default(false),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  authorized_keys: z.array(z.string()).nullish(),
  variables: z.record(z.string(), z.string()).nullish(),
  environment: environment.default({ reproducible: false, internet: false, aleph_api: false, shared_cache: false }),
  resources: resources.default({ vcpus: 1, memory: 128, seconds: 1 }),
  payment: payment.nullish(),
  requirements: z.record(z.string(), z.unknown()).nullish(),
  volumes: z.array(volume).max(MAX_VOLUMES).superRefine(duplicateVolumes).default([]),
  replaces: hash.nullish(),
  code: codeContent,
  data: dataContent.nullish(),
  export: exportContent.nullish(),
  on: functionTriggers,
  runtime: runtimeContent,
});
export type ProgramContent = z.infer<typeof programContent>;
export type ProgramVolume = z.infer<typeof volume>;
export const programAddress = address;
