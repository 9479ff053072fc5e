import { isAlephError } from '../errors.js';

/**
 * Prints an error the way every command does: `Error [CODE]: message`, then a hint line, on stderr.
 * With --debug the stack and cause follow, for bug reports.
 */
export function printError(e: unknown, debug = false): void {
  if (isAlephError(e)) {
    process.stderr.write(`Error [${e.code}]: ${e.message}\n`);
    if (e.hint) process.stderr.write(`Hint: ${e.hint}\n`);
    const rule = e.details?.rule;
    if (typeof rule === 'string') process.stderr.write(`Rule: ${rule}\n`);
  } else {
    const err = e as Error;
    process.stderr.write(`Error [UNEXPECTED]: ${err?.message ?? String(e)}\n`);
    process.stderr.write('Hint: run again with --debug and report the output if this looks like a bug\n');
  }
  if (debug && e instanceof Error) {
    process.stderr.write(`${e.stack ?? ''}\n`);
    if (e.cause) process.stderr.write(`Caused by: ${(e.cause as Error)?.stack ?? String(e.cause)}\n`);
  }
}

/** Writes a value as pretty JSON on stdout (what --json prints). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Renders rows as an aligned text table for people (`--json` is for scripts). */
export function formatTable(headers: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n') + '\n';
}

/** Prints a table on stdout, or `empty` when there are no rows. */
export function printTable(
  headers: string[],
  rows: (string | number | boolean | null | undefined)[][],
  empty = 'Nothing to show.',
): void {
  process.stdout.write(rows.length ? formatTable(headers, rows) : empty + '\n');
}

/** Prints `key: value` lines, aligned. */
export function printFields(fields: [string, unknown][]): void {
  const w = Math.max(...fields.map(([k]) => k.length));
  for (const [k, v] of fields) {
    const s = v === undefined || v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    process.stdout.write(`${(k + ':').padEnd(w + 2)}${s}\n`);
  }
}

/** Float unix seconds to an ISO date for tables. */
export function isoTime(seconds: unknown): string {
  const n = Number(seconds);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString().replace('.000Z', 'Z') : '-';
}

/**
 * An upload progress reporter on stderr, shown only for files over 1 MiB and only on a terminal, so
 * pipes and logs stay clean.
 */
export function uploadProgress(
  totalBytes: number,
  label = 'Uploading',
): { onProgress?: (sent: number, total: number) => void; done(): void } {
  if (totalBytes <= 1024 * 1024 || !process.stderr.isTTY) return { done: () => undefined };
  let last = -1;
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  return {
    onProgress: (sent, total) => {
      const pct = Math.floor((sent / total) * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${pct}% (${mib(sent)}/${mib(total)} MiB)`,
      );
    },
    done: () => process.stderr.write('\n'),
  };
}
