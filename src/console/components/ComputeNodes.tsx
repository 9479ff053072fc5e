import { useEffect } from 'preact/hooks';
import { computeNodesAnswerSchema } from '../../protocol/api/fleetSchemas.js';
import { getAnswer } from '../api.js';
import { reads } from '../reads.js';
import { useResource } from '../useResource.js';
import { AddressLink, Failed, Loading, When } from './bits.js';

/** Heartbeats come every second: re-reading the fleet every two shows a node going dark within its live window. */
const REFRESH_MS = 2000;

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
        <table data-testid="compute-nodes">
          <caption class="sr-only">
            Registered compute nodes; live means a heartbeat within {resource.data.live_seconds} s
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">URL</th>
              <th scope="col">State</th>
              <th scope="col">Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {resource.data.nodes.map((n) => (
              <tr key={n.address} data-live={String(n.live)}>
                <td>{n.name}</td>
                <td>
                  <AddressLink address={n.address} />
                </td>
                <td class="mono">{n.url}</td>
                <td>{n.live ? 'live' : 'silent'}</td>
                <td>
                  <When t={n.last_seen} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
