import { useEffect } from 'preact/hooks';
import { computeNodesAnswerSchema } from '../../protocol/api/fleetSchemas.js';
import { getAnswer } from '../api.js';
import { reads } from '../reads.js';
import { useResource } from '../useResource.js';
import type { ComputeNodeEntry } from '../../protocol/api/fleetSchemas.js';
import { AddressLink, Failed, Loading, When } from './bits.js';
import { DataTable, type Column } from './DataTable.js';

/** Heartbeats come every second: re-reading the fleet every two shows a node going dark within its live window. */
const REFRESH_MS = 2000;

const COLUMNS: Column<ComputeNodeEntry>[] = [
  { header: 'Name', cell: (n) => n.name },
  { header: 'Key', cell: (n) => <AddressLink address={n.address} /> },
  { header: 'URL', cell: (n) => n.url, class: 'mono' },
  { header: 'State', cell: (n) => (n.live ? 'live' : 'silent') },
  { header: 'Last heartbeat', cell: (n) => <When t={n.last_seen} /> },
];

/** The compute fleet as the core node sees it (`GET /api/v0/compute/nodes`): each node, its URL, live or not. */
export function ComputeNodes() {
  const { resource, refresh, retry } = useResource(
    (signal) => getAnswer(computeNodesAnswerSchema, reads.computeNodes(), signal),
    [],
  );
  useEffect(() => {
    const t = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(t);
  }, [refresh]);
  return (
    <section class="card" aria-labelledby="fleet-title">
      <h2 id="fleet-title">Compute nodes</h2>
      {resource.state === 'loading' ? <Loading what="the compute nodes" /> : null}
      {resource.state === 'failed' ? (
        <Failed what="the compute nodes" failure={resource.failure} retry={retry} />
      ) : null}
      {resource.state === 'ready' && resource.data.nodes.length === 0 ? (
        <p>No compute node has registered with this core node.</p>
      ) : null}
      {resource.state === 'ready' && resource.data.nodes.length > 0 ? (
        <DataTable
          testid="compute-nodes"
          caption={`Registered compute nodes; live means a heartbeat within ${resource.data.live_seconds} s`}
          rows={resource.data.nodes}
          rowKey={(n) => n.address}
          rowData={(n) => ({ live: String(n.live) })}
          columns={COLUMNS}
        />
      ) : null}
    </section>
  );
}
