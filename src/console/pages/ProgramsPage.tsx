import { useEffect, useState } from 'preact/hooks';
import { programSummaryPageSchema, type ProgramSummary } from '../../protocol/api/programSchemas.js';
import { getAnswer } from '../api.js';
import { AddressLink, Failed, Loading, ProgramLink, When } from '../components/bits.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { onLiveProgram } from '../live.js';
import { navigate } from '../router.js';
import { PROGRAMS_PER_PAGE as PER_PAGE, reads } from '../reads.js';
import { useResource } from '../useResource.js';

const COLUMNS: Column<ProgramSummary>[] = [
  { header: 'Name', cell: (p) => <ProgramLink id={p.id} label={p.name ?? '(unnamed)'} /> },
  { header: 'Id', cell: (p) => `${p.id.slice(0, 10)}…`, class: 'mono', title: (p) => p.id },
  { header: 'Owner', cell: (p) => <AddressLink address={p.owner} /> },
  { header: 'Edition', cell: (p) => p.edition, testid: 'edition' },
  { header: 'Policy', cell: (p) => (p.governed ? p.upgrade_policy : 'plain') },
  { header: 'Persistent', cell: (p) => (p.persistent ? 'yes' : 'no') },
  {
    header: 'Last change',
    cell: (p) => (
      <>
        <When t={p.updated_time} /> <span class="muted">(height {p.updated_height})</span>
      </>
    ),
  },
];

/** Programs: searched and paged by the node (`/api/v0/programs/summaries`), refreshed when any program changes. */
export function ProgramsPage({ search, pageNo }: { search: string; pageNo: number }) {
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  // Typing searches after a short pause; the URL keeps the search, so the result can be shared.
  useEffect(() => {
    if (text === search) return;
    const t = setTimeout(
      () => navigate(`/console/programs${text ? `?search=${encodeURIComponent(text)}` : ''}`, true),
      250,
    );
    return () => clearTimeout(t);
  }, [text, search]);

  const { resource, refresh, retry } = useResource(
    (signal) => getAnswer(programSummaryPageSchema, reads.programs(pageNo, search), signal),
    [search, pageNo],
  );
  useEffect(() => onLiveProgram(() => refresh()), [refresh]);

  const pageHref = (n: number) => `/console/programs?${search ? `search=${encodeURIComponent(search)}&` : ''}page=${n}`;
  return (
    <>
      <h1>Programs</h1>
      <form onSubmit={(e) => e.preventDefault()} class="search">
        <label for="program-search">Search programs</label>
        <input
          id="program-search"
          type="search"
          value={text}
          maxLength={100}
          placeholder="name, id, owner or any text of the program"
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
      </form>
      {resource.state === 'loading' ? <Loading what="programs" /> : null}
      {resource.state === 'failed' ? <Failed what="the programs" failure={resource.failure} retry={retry} /> : null}
      {resource.state === 'ready' ? (
        <>
          <p class="muted" aria-live="polite" data-testid="programs-total">
            {resource.data.pagination_total} program{resource.data.pagination_total === 1 ? '' : 's'}
            {search ? ` matching “${search}”` : ''}
          </p>
          <DataTable
            class="programs"
            caption="Live programs, newest first"
            rows={resource.data.programs}
            rowKey={(p) => p.id}
            rowData={(p) => ({ program: p.id })}
            columns={COLUMNS}
          />
          <nav aria-label="Pages of programs" class="pager">
            {pageNo > 1 ? <a href={pageHref(pageNo - 1)}>← Previous</a> : null}
            <span>
              Page {pageNo} of {Math.max(1, Math.ceil(resource.data.pagination_total / PER_PAGE))}
            </span>
            {pageNo * PER_PAGE < resource.data.pagination_total ? <a href={pageHref(pageNo + 1)}>Next →</a> : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
