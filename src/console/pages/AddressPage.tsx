import { useEffect } from 'preact/hooks';
import { aggregateAnswerSchema } from '../../protocol/api/nodeSchemas.js';
import { programSummaryPageSchema } from '../../protocol/api/programSchemas.js';
import { messageListResponseSchema } from '../../protocol/api/messageSchemas.js';
import { getAnswer, RequestFailed } from '../api.js';
import { Failed, Loading, MessageLink, NotFound, ProgramLink, When, RawJson } from '../components/bits.js';
import { onLiveMessage } from '../live.js';
import { useResource } from '../useResource.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** An address: its programs, its aggregates (with the `security` authorizations it grants), its latest messages. */
export function AddressPage({ address }: { address: string }) {
  const { resource, refresh, retry } = useResource(
    async (signal) => {
      const q = encodeURIComponent(address);
      const [programs, aggregates, messages] = await Promise.all([
        getAnswer(programSummaryPageSchema, `/api/v0/programs/summaries?owners=${q}&pagination=100`, signal),
        // An address with no aggregate answers 404: that is "none", not a failure.
        getAnswer(aggregateAnswerSchema, `/api/v0/aggregates/${q}.json`, signal).catch((e) => {
          if (e instanceof RequestFailed && e.failure.status === 404) return null;
          throw e;
        }),
        getAnswer(messageListResponseSchema, `/api/v0/messages.json?addresses=${q}&pagination=20`, signal),
      ]);
      return { programs, aggregates, messages };
    },
    [address],
  );
  // Its own messages (a new program, an aggregate) arrive on the stream: the page reads itself again.
  useEffect(
    () => onLiveMessage((m) => m.sender.toLowerCase() === address.toLowerCase() && refresh()),
    [address, refresh],
  );
  if (!ADDRESS.test(address)) return <NotFound what={`${address} is not an address (0x and 40 hex digits).`} />;
  if (resource.state === 'loading') return <Loading what={`address ${address}`} />;
  if (resource.state === 'failed') return <Failed what="the address" failure={resource.failure} retry={retry} />;
  const { programs, aggregates, messages } = resource.data;
  const security = aggregates?.data.security as { authorizations?: unknown } | undefined;
  const auths = Array.isArray(security?.authorizations) ? (security.authorizations as Record<string, unknown>[]) : [];
  return (
    <>
      <h1>
        Address <span class="mono small">{address}</span>
      </h1>
      <section class="card" aria-labelledby="ap-title">
        <h2 id="ap-title">Programs ({programs.pagination_total})</h2>
        {programs.programs.length === 0 ? <p class="muted">None.</p> : null}
        <ul>
          {programs.programs.map((p) => (
            <li key={p.id}>
              <ProgramLink id={p.id} label={p.name ?? p.id.slice(0, 10)} /> — edition {p.edition},{' '}
              {p.governed ? p.upgrade_policy : 'plain'}
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="auth-title">
        <h2 id="auth-title">Security authorizations</h2>
        {auths.length === 0 ? <p class="muted">This address authorizes no one to act for it.</p> : null}
        <ul data-testid="authorizations">
          {auths.map((a, i) => (
            <li key={i}>
              <code>{String(a.address ?? '?')}</code>
              {['chain', 'channels', 'types', 'post_types', 'aggregate_keys']
                .filter((k) => a[k] !== undefined)
                .map((k) => (
                  <span key={k} class="muted">
                    {' '}
                    {k}: {JSON.stringify(a[k])}
                  </span>
                ))}
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="agg-title">
        <h2 id="agg-title">Aggregates</h2>
        {aggregates ? <RawJson value={aggregates.data} /> : <p class="muted">None.</p>}
      </section>
      <section class="card" aria-labelledby="am-title">
        <h2 id="am-title">Latest messages</h2>
        <ul>
          {messages.messages.map((m) => (
            <li key={m.item_hash}>
              <MessageLink hash={m.item_hash} /> {m.type} <When t={m.time} />
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
