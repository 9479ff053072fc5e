import { existsSync } from 'node:fs';
import { packRuntime } from '../compute/runtime/packRuntime.js';
import { cachedRuntime } from '../compute/runtime/runtimeCache.js';
import type { RuntimeKind } from '../compute/runtime/types.js';

/** The seed's (and @aleph-sdk's) default `--runtime` ref; the devnet resolves it to its own runtime STORE. */
export const SEED_DEFAULT_RUNTIME = '63f07193e6ee9d207b7d1fcf8286f9aee34e6f12f101d2ec77c1229f92964696';

export interface RuntimeFile {
  /** Name under which the devnet remembers the STORE it published. */
  name: string;
  /** The runtime's root filesystem as one file (what is STORE'd); built only when it must be published. */
  file(): Promise<string>;
  /** Refs that stand for this runtime on this network. */
  aliases: string[];
}

/**
 * A runtime built from the host's interpreters and packed as squashfs, both cached beside the built root, so
 * a devnet with a fresh home (every test) publishes in the time an upload takes rather than a build and a pack.
 */
function hostRuntime(kind: RuntimeKind, aliases: string[] = []): RuntimeFile {
  return {
    name: kind,
    aliases,
    file: async () => {
      const dir = await cachedRuntime(kind);
      const packed = `${dir}.squashfs`;
      if (!existsSync(packed)) await packRuntime(dir, packed);
      return packed;
    },
  };
}

/** Python (ASGI via uvicorn, also the seed's default ref), Node and a plain shell, as DESIGN §5 lists them. */
export function defaultRuntimes(): RuntimeFile[] {
  return [hostRuntime('python', [SEED_DEFAULT_RUNTIME]), hostRuntime('node'), hostRuntime('shell')];
}
