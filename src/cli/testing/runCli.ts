import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(ROOT, 'bin', 'aleph.js');

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** HOME for the run (key file location); default: a fresh temp dir. */
  home?: string;
  /** Sets ALEPH_API_URL. */
  apiUrl?: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, then closed. */
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** What a run printed and how it ended. */
export interface RunCliResult {
  code: number;
  stdout: string;
  stderr: string;
  home: string;
}

/**
 * Runs `node bin/aleph.js ...args` the way a user would (a real process, not stdin TTY, so no prompts),
 * in an isolated HOME, and collects its output.
 */
export function runCli(args: string[], opts: RunCliOptions = {}): Promise<RunCliResult> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'aleph-cli-home-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: home,
    ALEPH_FROM_SOURCE: '1',
    ...(opts.apiUrl ? { ALEPH_API_URL: opts.apiUrl } : {}),
    ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, home });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Collapses help text whitespace so wrapped lines can be matched as one string. */
export function flatten(text: string): string {
  return text.replace(/\s+/g, ' ');
}
