import { zipSync, strToU8 } from 'fflate';

/** The seed's (and @aleph-sdk's) default `--runtime` ref; the devnet resolves it to its own runtime STORE. */
export const SEED_DEFAULT_RUNTIME = '63f07193e6ee9d207b7d1fcf8286f9aee34e6f12f101d2ec77c1229f92964696';

export interface RuntimeFile {
  /** Name under which the devnet remembers the STORE it published. */
  name: string;
  /** The runtime's root filesystem as one file (what is STORE'd). */
  bytes: Uint8Array;
  /** Refs that stand for this runtime on this network. */
  aliases: string[];
}

/**
 * The runtimes the devnet publishes at first start. Until the compute node builds real root filesystems,
 * the default runtime is a descriptor archive, so that PROGRAMs with stock defaults resolve their runtime.
 */
export function descriptorRuntime(): RuntimeFile {
  const descriptor = JSON.stringify({ name: 'python3-asgi', built_from: 'devnet descriptor', version: 1 }, null, 2);
  const bytes = zipSync({ 'etc/aleph-runtime.json': [strToU8(descriptor), { mtime: new Date('2020-01-01T00:00:00Z') }] });
  return { name: 'python', bytes, aliases: [SEED_DEFAULT_RUNTIME] };
}
