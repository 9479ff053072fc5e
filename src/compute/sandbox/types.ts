import type { PidLimits } from './resourceLimits.js';

/** What a program is mounted at inside its sandbox. */
export type VolumeSpec =
  | { kind: 'immutable'; mount: string; hostPath: string }
  | { kind: 'ephemeral'; mount: string; sizeMiB: number }
  | { kind: 'persistent'; mount: string; hostPath: string };

export type LogStream = 'stdout' | 'stderr' | 'system';

export interface SandboxSpec {
  /** Stable id of this instance; names its cgroup and appears in logs. [A-Za-z0-9_.-] only. */
  instanceId: string;
  /** Extracted runtime root filesystem, mounted read-only as `/`. */
  runtimeRoot: string;
  /** Extracted code, mounted read-only at `/opt/code`. */
  codeDir: string;
  /** `main:app` (Python ASGI), `main.js[:export]` (Node) or `run.sh` (script listening on $PORT). */
  entrypoint: string;
  env: Record<string, string>;
  internet: boolean;
  memoryMiB: number;
  vcpus: number;
  volumes: VolumeSpec[];
  /** Host directory owned by this instance: holds the HTTP socket and the launcher files. */
  workDir: string;
  onLog(stream: LogStream, line: string): void;
  /**
   * Unprivileged host uid (and gid) of this program, stable across its restarts and editions (ProgramUids):
   * bwrap and the program run as it, the program's uid 1000 maps to it, and it owns its persistent volumes.
   */
  hostUid: number;
  /** Most processes (threads included) of this program (default 256), and the budget of all programs together. */
  pids?: PidLimits | undefined;
  /** How long the program has to answer HTTP on its socket (default 15 s). */
  startTimeoutMs?: number;
}

export interface SandboxExit {
  code: number | null;
  signal: string | null;
  /** For people: 'exited with code 1', 'killed: out of memory (limit 128 MiB)', 'stopped'. */
  reason: string;
}

export interface SandboxHandle {
  /** Host path of the unix socket the program serves HTTP on (`http.request({ socketPath })`). */
  socketPath: string;
  /** Host pid of the outer bwrap process. */
  pid: number;
  /** Resolves once the program answers HTTP; rejects with PROGRAM_NOT_LISTENING, PROGRAM_EXITED or SANDBOX_START_FAILED. */
  ready: Promise<void>;
  /** Resolves (never rejects) when every process of the sandbox is gone. */
  exited: Promise<SandboxExit>;
  /** SIGTERM to the program, SIGKILL to the whole sandbox after `graceMs` (default 3000). Resolves once exited. */
  stop(graceMs?: number): Promise<void>;
}
