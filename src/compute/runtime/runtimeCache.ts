import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRuntime, RUNTIME_BUILDER_VERSION } from './buildRuntime.js';
import { RUNTIME_INFO_PATH } from './runtimeEtc.js';
import type { RuntimeKind } from './types.js';

/** Where tests and benchmarks keep built runtimes between runs. */
export const RUNTIME_CACHE_DIR = join(tmpdir(), 'aleph-ts-runtime-cache');

const pending = new Map<string, Promise<string>>();

/**
 * A default runtime built from the host, reused while the builder version and node version stay the same.
 * Concurrent callers in one process share a build; parallel test processes may both build, and the first rename
 * wins (renaming onto a non-empty dir fails), so a runtime in use is never replaced under a running sandbox.
 */
export function cachedRuntime(kind: RuntimeKind, cacheDir = RUNTIME_CACHE_DIR): Promise<string> {
  const key = `${kind}-v${RUNTIME_BUILDER_VERSION}-${process.version}`;
  const dir = join(cacheDir, key);
  let p = pending.get(dir);
  if (!p) {
    p = (async () => {
      if (existsSync(join(dir, RUNTIME_INFO_PATH))) {
        try {
          JSON.parse(readFileSync(join(dir, RUNTIME_INFO_PATH), 'utf8'));
          return dir;
        } catch {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      mkdirSync(cacheDir, { recursive: true });
      const mine = `${dir}.${process.pid}`;
      await buildRuntime(kind, mine);
      try {
        renameSync(mine, dir);
      } catch {
        rmSync(mine, { recursive: true, force: true });
      }
      return dir;
    })();
    pending.set(dir, p);
    p.catch(() => pending.delete(dir));
  }
  return p;
}
