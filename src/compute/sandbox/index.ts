/**
 * The compute node's lower layer: sandboxes, runtimes, code archives, volumes and resource limits.
 * A supervisor starts programs with `startSandbox` and talks HTTP to them over `handle.socketPath`.
 */
export type { LogStream, SandboxExit, SandboxHandle, SandboxSpec, VolumeSpec } from './types.js';
export { startSandbox } from './startSandbox.js';
export { runInSandbox, type RunInSandboxOptions, type RunResult } from './runInSandbox.js';
export { resolveEntrypoint, type ResolvedEntrypoint } from './resolveEntrypoint.js';
export { extractCode, type ExtractLimits } from '../archive/extractCode.js';
export type { RuntimeInfo, RuntimeKind } from '../runtime/types.js';
export { buildRuntime, RUNTIME_BUILDER_VERSION } from '../runtime/buildRuntime.js';
export { packRuntime } from '../runtime/packRuntime.js';
export { unpackRuntime } from '../runtime/unpackRuntime.js';
export { checkRuntime } from '../runtime/checkRuntime.js';
export { cachedRuntime, RUNTIME_CACHE_DIR } from '../runtime/runtimeCache.js';
