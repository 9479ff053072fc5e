import { useEffect } from 'preact/hooks';
import { messageWithStatusSchema } from '../../protocol/api/messageSchemas.js';
import { getAnswer } from '../api.js';
import { AddressLink, Failed, isNotFound, Loading, NotFound, ProgramLink, RawJson } from '../components/bits.js';
import { onLiveMessage } from '../live.js';
import { reads } from '../reads.js';
import { useResource } from '../useResource.js';

/** A message: its status, the verdicts it caused on programs, and its raw JSON as the node answers it. */
export function MessagePage({ hash }: { hash: string }) {
  const { resource, refresh, retry } = useResource(
    (signal) => getAnswer(messageWithStatusSchema, reads.message(hash), signal),
    [hash],
  );
  // A pending message becomes processed: its own frame on the stream says so.
  useEffect(() => onLiveMessage((m) => m.item_hash === hash && refresh()), [hash, refresh]);
  if (resource.state === 'loading') return <Loading what={`message ${hash}`} />;
  if (resource.state === 'failed') {
    if (isNotFound(resource.failure))
      return <NotFound what={`No message with the hash ${hash}.`} detail={resource.failure.message} />;
    return <Failed what="the message" failure={resource.failure} retry={retry} />;
  }
  const m = resource.data;
  const env = m.status === 'pending' ? m.messages[0] : m.message;
  const verdicts = (m.program_verdicts ?? []) as Record<string, unknown>[];
  return (
    <>
      <h1>
        Message <span class="mono small">{hash}</span>
      </h1>
      <section class="card" aria-labelledby="msg-title">
        <h2 id="msg-title">Status</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd data-testid="message-status">{m.status}</dd>
          {env ? (
            <>
              <dt>Type</dt>
              <dd>{env.type}</dd>
              <dt>Sender</dt>
              <dd>
                <AddressLink address={env.sender} />
              </dd>
              <dt>Channel</dt>
              <dd>{env.channel ?? '—'}</dd>
            </>
          ) : null}
          <dt>Received</dt>
          <dd>{m.reception_time}</dd>
          {m.status === 'rejected' ? (
            <>
              <dt>Refused</dt>
              <dd>
                <code>{m.error_code}</code>
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <section class="card" aria-labelledby="verdicts-title">
        <h2 id="verdicts-title">Program verdicts it caused</h2>
        {verdicts.length === 0 ? <p class="muted">None: this message changed no program.</p> : null}
        <ul data-testid="verdicts">
          {verdicts.map((v, i) => (
            <li key={i}>
              <ProgramLink id={String(v.program_id)} />: <strong>{String(v.verdict)}</strong>
              {v.edition != null ? ` edition ${String(v.edition)}` : ''}
              {v.error_code ? (
                <>
                  {' '}
                  <code>{String(v.error_code)}</code> — {String(v.rule ?? '')}
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="raw-title">
        <h2 id="raw-title">Raw JSON</h2>
        <RawJson value={m} />
      </section>
    </>
  );
}
