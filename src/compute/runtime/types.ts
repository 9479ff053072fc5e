export type RuntimeKind = 'python' | 'node' | 'shell';

/** What `runtime-checker` reports; also written to `/etc/aleph-runtime.json` inside each built runtime. */
export interface RuntimeInfo {
  kind: RuntimeKind | 'custom';
  /** PRETTY_NAME of the os-release the runtime was built from, e.g. 'Debian GNU/Linux 12 (bookworm)'. */
  distribution: string | null;
  python: string | null;
  node: string | null;
  /** Versions of the Python web stack when present (uvicorn, fastapi, starlette). */
  packages: Record<string, string>;
  /** Whether /bin/sh is present, i.e. `run.sh` entry points can work. */
  shell: boolean;
}
