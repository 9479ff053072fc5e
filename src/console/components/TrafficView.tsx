import { useEffect } from 'preact/hooks';
import { computeTrafficSchema, type ComputeTraffic } from '../../protocol/api/computeSchemas.js';
import type { ComputeNodeEntry } from '../../protocol/api/fleetSchemas.js';
import { getAnswer } from '../api.js';
import { useResource } from '../useResource.js';
import { AddressLink, Failed, Loading } from './bits.js';
import { DataTable } from './DataTable.js';
import { RateChart } from './RateChart.js';

/** Counts are per second on the compute nodes; two reads a second would only show the same second twice. */
const REFRESH_MS = 2000;
/** The headline rates are over the last few seconds: live, yet not one second's noise. */
const RECENT_S = 10;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Live requests and failures of a program, read from every live compute node where they are counted
 * (`GET {node}/control/machine/{id}/traffic`, CORS) and added up second by second: a program is placed on one
 * node, but any node may have served it while the fleet changed. Shown only when every live node answered.
 */
export function TrafficView({ programId, nodes }: { programId: string; nodes: ComputeNodeEntry[] }) {
  const live = nodes.filter((n) => n.live);
  const key = live.map((n) => n.url).join(' ');
  const { resource, refresh, retry } = useResource(
    (signal) =>
      Promise.all(
        live.map((n) =>
          getAnswer(computeTrafficSchema, `${n.url}/control/machine/${programId}/traffic`, signal).then((t) => ({
            node: n,
            traffic: t,
          })),
        ),
      ),
    [programId, key],
  );
  useEffect(() => {
    const t = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(t);
  }, [refresh]);

  return (
    <section class="card" aria-labelledby="traffic-title" data-testid="traffic">
      <h2 id="traffic-title">Requests and errors</h2>
      {live.length === 0 ? <p>No compute node is live: nothing serves this program now.</p> : null}
      {live.length > 0 && resource.state === 'loading' ? <Loading what="the request counts" /> : null}
      {live.length > 0 && resource.state === 'failed' ? (
        <Failed what="the request counts of the compute nodes" failure={resource.failure} retry={retry} />
      ) : null}
      {live.length > 0 && resource.state === 'ready' ? <Counts per={resource.data} /> : null}
    </section>
  );
}

function Counts({ per }: { per: { node: ComputeNodeEntry; traffic: ComputeTraffic }[] }) {
  const width = Math.max(0, ...per.map((p) => p.traffic.requests.length));
  // Aligned on the newest second of each node (their clocks may differ by a little; a chart does not mind).
  const add = (f: 'requests' | 'errors') =>
    Array.from({ length: width }, (_, i) => sum(per.map((p) => p.traffic[f][p.traffic[f].length - width + i] ?? 0)));
  const requests = add('requests');
  const errors = add('errors');
  const recent = (xs: number[]) => sum(xs.slice(-RECENT_S)) / RECENT_S;
  const total = sum(requests);
  const failed = sum(errors);
  return (
    <>
      <div class="stats">
        <div class="stat">
          <h3>Requests / s</h3>
          <p class="big" data-testid="traffic-rate">
            {recent(requests).toFixed(1)}
          </p>
          <RateChart series={requests} what="requests" />
        </div>
        <div class="stat">
          <h3>Errors / s</h3>
          <p class="big" data-testid="traffic-errors">
            {recent(errors).toFixed(1)}
          </p>
          <RateChart series={errors} what="failed requests" />
        </div>
        <div class="stat">
          <h3>Error rate ({width} s)</h3>
          <p class="big" data-testid="traffic-error-rate">
            {total ? `${((failed / total) * 100).toFixed(1)} %` : '—'}
          </p>
        </div>
      </div>
      <DataTable
        caption={`Requests and failures per compute node over the last ${width} s`}
        rows={per}
        rowKey={(p) => p.node.address}
        rowData={(p) => ({ 'traffic-node': p.node.address })}
        columns={[
          { header: 'Compute node', cell: (p) => p.node.name || <AddressLink address={p.node.address} /> },
          { header: 'URL', cell: (p) => p.node.url, class: 'mono' },
          { header: `Requests (${width} s)`, cell: (p) => sum(p.traffic.requests) },
          { header: 'Failed', cell: (p) => sum(p.traffic.errors) },
        ]}
      />
      <p class="muted small">
        5xx answers, crashes, timeouts and starts that failed count as failed: what the caller saw fail.
      </p>
    </>
  );
}
