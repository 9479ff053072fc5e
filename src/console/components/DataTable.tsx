import type { ComponentChildren } from 'preact';

/** One column: its header, and what its cell shows of a row. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ComponentChildren;
  class?: string;
  /** A data-testid on each of its cells (tests read a column by it). */
  testid?: string;
  /** The cell's tooltip (the full value of a shortened one). */
  title?: (row: T) => string;
}

/**
 * Every table of the console: a caption for screen readers, column headers scoped as such, one row per item. Rows
 * carry `rowData` as data-* attributes (what tests and links find a row by).
 */
export function DataTable<T>({
  caption,
  rows,
  rowKey,
  columns,
  rowData,
  class: cls,
  testid,
}: {
  caption?: ComponentChildren;
  rows: readonly T[];
  rowKey: (row: T) => string;
  columns: readonly Column<T>[];
  rowData?: (row: T) => Record<string, string>;
  class?: string;
  testid?: string;
}) {
  return (
    <table class={cls} data-testid={testid}>
      {caption ? <caption class="sr-only">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header} scope="col">
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={rowKey(r)} {...dataAttributes(rowData?.(r))}>
            {columns.map((c) => (
              <td key={c.header} class={c.class} data-testid={c.testid} title={c.title?.(r)}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `{program: id}` → `{'data-program': id}`. */
function dataAttributes(d: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d ?? {})) out[`data-${k}`] = v;
  return out;
}
