import type { ProgramVolume } from '../../protocol/index.js';
import { DEFAULT_CHANNEL, DEFAULT_PROGRAM_RESOURCES, DEFAULT_RUNTIME_ID } from '../constants.js';
import { nowSeconds, type BaseBuildParameters, type UnsignedMessage } from './types.js';

/**
 * Parameters of {@link buildProgram}; every default follows aleph-client's `program create`.
 * @example
 * buildProgram({ sender, codeRef, entrypoint: 'run.sh', internet: true, updatable: true });
 */
export interface BuildProgramParameters extends BaseBuildParameters {
  /** item_hash of the STORE holding the code. */
  codeRef: string;
  entrypoint: string;
  encoding?: 'zip' | 'squashfs' | 'plain' | undefined;
  /** Follow amends of the code STORE (aleph-client: true, so `aleph program update` works). */
  codeUseLatest?: boolean | undefined;
  /** Runtime STORE hash; default DEFAULT_RUNTIME_ID. */
  runtime?: string | undefined;
  runtimeUseLatest?: boolean | undefined;
  name?: string | undefined;
  /** Extra metadata merged with `{name}`. */
  metadata?: Record<string, unknown> | undefined;
  vcpus?: number | undefined;
  /** MiB. */
  memory?: number | undefined;
  /** resources.seconds: the idle timeout and per-request limit. */
  timeoutSeconds?: number | undefined;
  internet?: boolean | undefined;
  alephApi?: boolean | undefined;
  persistent?: boolean | undefined;
  /** `allow_amend`: whether a later PROGRAM may replace this one. */
  updatable?: boolean | undefined;
  volumes?: ProgramVolume[] | undefined;
  variables?: Record<string, string> | undefined;
  /** on.message subscriptions (`--beta`). */
  subscriptions?: Record<string, unknown>[] | undefined;
  payment?: { chain: string; type: 'hold' | 'superfluid' | 'credit' } | undefined;
  /** Id of the program this one replaces (needs its `allow_amend`). */
  replaces?: string | undefined;
}

/**
 * PROGRAM content as built here (a subset of the protocol's ProgramContent, in @aleph-sdk's key order).
 * @example
 * const content: ProgramMessageContent = buildProgram({ sender, codeRef, entrypoint: 'main:app' }).content;
 */
export interface ProgramMessageContent {
  address: string;
  time: number;
  type: 'vm-function';
  allow_amend: boolean;
  metadata?: Record<string, unknown>;
  on: { http: boolean; persistent: boolean; message?: Record<string, unknown>[] };
  environment: { reproducible: boolean; internet: boolean; aleph_api: boolean; shared_cache: boolean };
  resources: { vcpus: number; memory: number; seconds: number };
  runtime: { ref: string; use_latest: boolean; comment: string };
  volumes: ProgramVolume[];
  variables?: Record<string, string>;
  payment?: { chain: string; type: 'hold' | 'superfluid' | 'credit' };
  code: { encoding: 'zip' | 'squashfs' | 'plain'; entrypoint: string; ref: string; use_latest: boolean };
  replaces?: string;
}

/**
 * Builds an unsigned PROGRAM (`type: vm-function`) with aleph-client's defaults: official runtime, 1 vCPU,
 * 128 MiB, 30 s, no internet, aleph API on, ephemeral, not updatable, code followed with `use_latest`.
 * @example
 * const msg = buildProgram({
 *   sender: account.address,
 *   codeRef: storeHash,
 *   entrypoint: 'main:app',
 *   name: 'hello',
 *   volumes: [{ mount: '/data', ephemeral: true, size_mib: 10 }],
 * });
 */
export function buildProgram(params: BuildProgramParameters): UnsignedMessage<ProgramMessageContent> {
  const time = params.time ?? nowSeconds();
  const runtime = params.runtime ?? DEFAULT_RUNTIME_ID;
  const metadata =
    params.name !== undefined || params.metadata
      ? { ...params.metadata, ...(params.name !== undefined ? { name: params.name } : {}) }
      : undefined;
  const content: ProgramMessageContent = {
    address: params.address ?? params.sender,
    time,
    type: 'vm-function',
    allow_amend: params.updatable ?? false,
    ...(metadata ? { metadata } : {}),
    on: {
      http: true,
      persistent: params.persistent ?? false,
      ...(params.subscriptions ? { message: params.subscriptions } : {}),
    },
    environment: {
      reproducible: false,
      internet: params.internet ?? false,
      aleph_api: params.alephApi ?? true,
      shared_cache: false,
    },
    resources: {
      vcpus: params.vcpus ?? DEFAULT_PROGRAM_RESOURCES.vcpus,
      memory: params.memory ?? DEFAULT_PROGRAM_RESOURCES.memory,
      seconds: params.timeoutSeconds ?? DEFAULT_PROGRAM_RESOURCES.seconds,
    },
    // aleph-sdk-python labels the official runtime this way; any other runtime gets an empty comment.
    runtime: {
      ref: runtime,
      use_latest: params.runtimeUseLatest ?? true,
      comment: runtime === DEFAULT_RUNTIME_ID ? 'Official aleph.im runtime' : '',
    },
    volumes: params.volumes ?? [],
    ...(params.variables && Object.keys(params.variables).length ? { variables: params.variables } : {}),
    ...(params.payment ? { payment: params.payment } : {}),
    code: {
      encoding: params.encoding ?? 'zip',
      entrypoint: params.entrypoint,
      ref: params.codeRef,
      use_latest: params.codeUseLatest ?? true,
    },
    ...(params.replaces ? { replaces: params.replaces } : {}),
  };
  return {
    chain: 'ETH',
    sender: params.sender,
    type: 'PROGRAM',
    channel: params.channel ?? DEFAULT_CHANNEL,
    time,
    content,
  };
}

/**
 * Builds a PROGRAM that replaces `programId` with `content` (any earlier PROGRAM content, edited), fresh
 * `time`, same address. Used by `message amend`, `persist` and `unpersist`.
 * @example
 * const next = buildProgramReplacement({ sender: account.address, programId, content: { ...old, resources: { ...old.resources, vcpus: 4 } } });
 */
export function buildProgramReplacement(params: {
  sender: string;
  programId: string;
  content: Record<string, unknown> | ProgramMessageContent;
  channel?: string | undefined;
  time?: number | undefined;
}): UnsignedMessage<Record<string, unknown>> {
  const time = params.time ?? nowSeconds();
  const given = params.content as Record<string, unknown>;
  const content = {
    ...given,
    address: (given.address as string | undefined) ?? params.sender,
    time,
    replaces: params.programId,
  };
  return {
    chain: 'ETH',
    sender: params.sender,
    type: 'PROGRAM',
    channel: params.channel ?? DEFAULT_CHANNEL,
    time,
    content,
  };
}

/**
 * A PROGRAM content with every reference pinned (`use_latest: false` on code, runtime and immutable volumes):
 * what an `immutable` program needs, since the dependency rule (DESIGN §4) refuses any reference that could move.
 * @example
 * const pinned = pinProgramRefs(current.content); // pinned.code.use_latest === false
 */
export function pinProgramRefs<C extends Record<string, unknown>>(content: C): C {
  const c = structuredClone(content) as Record<string, unknown>;
  for (const k of ['code', 'runtime'] as const) {
    if (c[k] && typeof c[k] === 'object') c[k] = { ...(c[k] as object), use_latest: false };
  }
  if (Array.isArray(c.volumes)) {
    c.volumes = c.volumes.map((v: Record<string, unknown>) =>
      typeof v.ref === 'string' ? { ...v, use_latest: false } : v,
    );
  }
  return c as C;
}
