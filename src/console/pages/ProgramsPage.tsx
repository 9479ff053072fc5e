import { useEffect, useState } from 'preact/hooks';
import { programSummaryPageSchema } from '../../protocol/api/programSchemas.js';
import { getAnswer } from '../api.js';
import { AddressLink, Failed, Loading, ProgramLink, When } from '../components/bits.js';
import { onLiveProgram } from '../live.js';
import { navigate } from '../router.js';
import { PROGRAMS_PER_PAGE as PER_PAGE, reads } from '../reads.js';
import { useResource } from '../useResource.js';

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
          <table class="programs">
            <caption class="sr-only">Live programs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
                <th scope="col">Owner</th>
                <th scope="col">Edition</th>
                <th scope="col">Policy</th>
                <th scope="col">Persistent</th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {resource.data.programs.map((p) => (
                <tr key={p.id} data-program={p.id}>
                  <td>
                    <ProgramLink id={p.id} label={p.name ?? '(unnamed)'} />
                  </td>
                  <td class="mono" title={p.id}>
                    {p.id.slice(0, 10)}…
                  </td>
                  <td>
                    <AddressLink address={p.owner} />
                  </td>
                  <td data-testid="edition">{p.edition}</td>
                  <td>{p.governed ? p.upgrade_policy : 'plain'}</td>
                  <td>{p.persistent ? 'yes' : 'no'}</td>
                  <td>
                    <When t={p.updated_time} /> <span class="muted">(height {p.updated_height})</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
