import type { ProgramHistory } from '../../protocol/api/programSchemas.js';
import { AddressLink, MessageLink, When } from '../components/bits.js';

type Entry =
  | { kind: 'edition'; height: number; time: number; e: ProgramHistory['editions'][number] }
  | { kind: 'refused'; height: number; time: number; r: ProgramHistory['rejected'][number] };

/** Editions and refused attempts in one list, newest first, each with its message and, for a refusal, its rule. */
export function Timeline({ history }: { history: ProgramHistory }) {
  const entries: Entry[] = [
    ...history.editions.map((e) => ({ kind: 'edition' as const, height: e.height, time: e.time, e })),
    ...history.rejected.map((r) => ({ kind: 'refused' as const, height: r.height, time: r.time, r })),
  ].sort((a, b) => b.height - a.height || b.time - a.time);
  return (
    <section class="card" aria-labelledby="tl-title">
      <h2 id="tl-title">Timeline</h2>
      <ol class="timeline" data-testid="timeline">
        {entries.map((x) =>
          x.kind === 'edition' ? (
            <li key={`e${x.e.edition}`} class="tl-edition" data-edition={x.e.edition}>
              <p>
                <strong>Edition {x.e.edition}</strong> — {x.e.cause_kind} by <AddressLink address={x.e.sender} /> at
                height {x.e.height}, <When t={x.e.time} />
              </p>
              <p>
                {x.e.changes.length ? `Changed: ${x.e.changes.join(', ')}` : 'First deployment'} · message{' '}
                <MessageLink hash={x.e.message_hash} />
              </p>
              <p class="mono small">checksum {x.e.checksum}</p>
            </li>
          ) : (
            <li key={`r${x.r.message_hash}${x.r.height}`} class="tl-refused" data-refused={x.r.error_code}>
              <p>
                <strong>Refused</strong> <code>{x.r.error_code}</code> — {x.r.cause_kind} by{' '}
                <AddressLink address={x.r.sender} /> at height {x.r.height}, <When t={x.r.time} />
              </p>
              <p>Rule: {x.r.rule}</p>
              {typeof x.r.details.message === 'string' ? <p>{x.r.details.message}</p> : null}
              {typeof x.r.details.hint === 'string' ? <p class="muted">Hint: {x.r.details.hint}</p> : null}
              <p>
                message <MessageLink hash={x.r.message_hash} />
                {x.r.checksum ? <span class="mono small"> · candidate checksum {x.r.checksum}</span> : null}
              </p>
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
