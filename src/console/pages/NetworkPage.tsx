import { useEffect, useState } from 'preact/hooks';
import { messageListResponseSchema, type MessageListResponse } from '../../protocol/api/messageSchemas.js';
import { programSummaryPageSchema } from '../../protocol/api/programSchemas.js';
import { getAnswer } from '../api.js';
import { AddressLink, Failed, Loading, MessageLink, When } from '../components/bits.js';
import { ComputeNodes } from '../components/ComputeNodes.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { RateChart } from '../components/RateChart.js';
import { useHeight } from '../height.js';
import { onLiveMessage, rateSeries } from '../live.js';
import { reads, RECENT_MESSAGES as RECENT } from '../reads.js';
import { useResource } from '../useResource.js';

const MESSAGE_COLUMNS: Column<MessageListResponse['messages'][number]>[] = [
  { header: 'Hash', cell: (m) => <MessageLink hash={m.item_hash} /> },
  { header: 'Type', cell: (m) => m.type },
  { header: 'Sender', cell: (m) => <AddressLink address={m.sender} /> },
  { header: 'Time', cell: (m) => <When t={m.time} /> },
];

/** Network: height, the live message rate with its chart, the counts, the latest messages. */
export function NetworkPage() {
  const height = useHeight();
  const { resource, refresh, retry } = useResource(async (signal) => {
    const [messages, programs] = await Promise.all([
      getAnswer(messageListResponseSchema, reads.recentMessages(), signal),
      getAnswer(programSummaryPageSchema, reads.programCount(), signal),
    ]);
    return { messages, programs };
  }, []);
  const [series, setSeries] = useState(() => rateSeries(60));
  useEffect(() => {
    const t = setInterval(() => setSeries(rateSeries(60)), 1000);
    const off = onLiveMessage(() => refresh());
    return () => {
      clearInterval(t);
      off();
    };
  }, [refresh]);
  const last5 = series.slice(-5).reduce((a, b) => a + b, 0) / 5;

  return (
    <>
      <h1>Network</h1>
      <div class="stats">
        <section class="card stat" aria-labelledby="st-height">
          <h2 id="st-height">Height</h2>
          <p class="big" data-testid="height">
            {height ?? '—'}
          </p>
        </section>
        <section class="card stat" aria-labelledby="st-rate">
          <h2 id="st-rate">Messages / s</h2>
          <p class="big" data-testid="rate">
            {last5.toFixed(1)}
          </p>
          <RateChart series={series} />
        </section>
        <section class="card stat" aria-labelledby="st-programs">
          <h2 id="st-programs">Programs</h2>
          <p class="big" data-testid="program-count">
            {resource.state === 'ready' ? (
              <a href="/console/programs">{resource.data.programs.pagination_total}</a>
            ) : (
              '—'
            )}
          </p>
        </section>
        <section class="card stat" aria-labelledby="st-messages">
          <h2 id="st-messages">Messages</h2>
          <p class="big">{resource.state === 'ready' ? resource.data.messages.pagination_total : '—'}</p>
        </section>
      </div>
      <ComputeNodes />
      <section class="card" aria-labelledby="recent-title">
        <h2 id="recent-title">Latest messages</h2>
        {resource.state === 'loading' ? <Loading what="the latest messages" /> : null}
        {resource.state === 'failed' ? (
          <Failed what="the latest messages" failure={resource.failure} retry={retry} />
        ) : null}
        {resource.state === 'ready' ? (
          <DataTable
            caption={`The ${RECENT} latest processed messages, newest first`}
            rows={resource.data.messages.messages}
            rowKey={(m) => m.item_hash}
            columns={MESSAGE_COLUMNS}
          />
        ) : null}
      </section>
    </>
  );
}
