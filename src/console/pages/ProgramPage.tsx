import { useEffect } from 'preact/hooks';
import { computeNodesAnswerSchema, type ComputeNodeEntry } from '../../protocol/api/fleetSchemas.js';
import {
  programHistorySchema,
  programViewSchema,
  type ProgramState,
  type ResolvedRefView,
} from '../../protocol/api/programSchemas.js';
import { getAnswer } from '../api.js';
import { AddressLink, Failed, Field, isNotFound, Loading, MessageLink, NotFound, When } from '../components/bits.js';
import { onLiveMessage, onLiveProgram } from '../live.js';
import { reads } from '../reads.js';
import { useResource } from '../useResource.js';
import { DryRunForm } from './DryRunForm.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { RolloutView } from '../components/RolloutView.js';
import { TrafficView } from '../components/TrafficView.js';
import { PendingUpgrades } from './PendingUpgrades.js';
import { Timeline } from './Timeline.js';

/**
 * Refusals of a rejected message are on no stream (the message stream carries processed messages only), so the
 * page also re-reads every few seconds while it is open.
 */
const FALLBACK_REFRESH_MS = 3000;

/**
 * Where to call the program: the compute node that reported serving it, if live; else any live node of the fleet
 * (each forwards to the node the program is placed on); else, with no fleet registered, the devnet's default port
 * on the host the console came from.
 */
function computeBase(view: ProgramState, nodes: ComputeNodeEntry[]): string {
  const live = nodes.filter((n) => n.live);
  const serving = live.find((n) => n.address.toLowerCase() === view.serving?.reported_by.toLowerCase());
  return (serving ?? live[0])?.url ?? `${location.protocol}//${location.hostname}:4020`;
}

export function ProgramPage({ id }: { id: string }) {
  const { resource, refresh, retry } = useResource(
    async (signal) => {
      const [view, history, fleet] = await Promise.all([
        getAnswer(programViewSchema, reads.program(id), signal),
        getAnswer(programHistorySchema, reads.history(id), signal),
        getAnswer(computeNodesAnswerSchema, reads.computeNodes(), signal),
      ]);
      return { view, history, nodes: fleet.nodes };
    },
    [id],
  );
  const programId = resource.state === 'ready' ? resource.data.view.id : id;
  useEffect(() => {
    const offP = onLiveProgram((e) => {
      if (e.program_id === programId) refresh();
    });
    const offM = onLiveMessage(() => refresh());
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, FALLBACK_REFRESH_MS);
    return () => {
      offP();
      offM();
      clearInterval(t);
    };
  }, [programId, refresh]);

  if (resource.state === 'loading') return <Loading what={`program ${id}`} />;
  if (resource.state === 'failed') {
    if (isNotFound(resource.failure))
      return <NotFound what={`No program with the id or version hash ${id}.`} detail={resource.failure.message} />;
    return <Failed what="the program" failure={resource.failure} retry={retry} />;
  }
  const { view, history, nodes } = resource.data;
  const name = (view.content?.metadata as Record<string, unknown> | undefined)?.name;
  return (
    <>
      <h1>
        {typeof name === 'string' ? name : (view.manifest?.name ?? 'Program')}{' '}
        <span class="muted mono small">{view.id}</span>
      </h1>
      <div class="grid">
        <section class="card" aria-labelledby="sum-title">
          <h2 id="sum-title">In force</h2>
          <dl class="facts">
            <Field label="URL to call">
              <code data-testid="vm-url">{`${computeBase(view, nodes)}/vm/${view.id}/`}</code>
            </Field>
            <Field label="Status">{view.status}</Field>
            <Field label="Edition in force">
              <span data-testid="edition-in-force">{view.edition}</span>
            </Field>
            <Field label="Edition serving">
              <Serving view={view} />
            </Field>
            <Field label="Checksum">
              <span class="mono small">{view.checksum}</span>
            </Field>
            <Field label="Owner">
              <AddressLink address={view.owner} />
            </Field>
            <Field label="Current message">
              {/* The block height the edition in force took effect at, as the history's editions and rollouts show. */}
              <MessageLink hash={view.current_hash} /> (height {view.version.height})
            </Field>
            <Field label="Since">
              <When t={view.version.time} /> ({view.version.cause_kind} by <AddressLink address={view.version.sender} />
              )
            </Field>
            <Field label="Persistent">{view.content?.on.persistent ? 'yes' : 'no'}</Field>
          </dl>
        </section>
        <section class="card" aria-labelledby="pol-title">
          <h2 id="pol-title">Policy</h2>
          {view.governed ? (
            <dl class="facts">
              <Field label="Upgrade policy">
                <span data-testid="policy">{view.upgrade_policy}</span>
              </Field>
              <Field label="Constructor">
                <code data-testid="annotation">{view.constructor?.annotation}</code>
              </Field>
              <Field label="AVM code">
                <pre class="avm" data-testid="avm">
                  {view.constructor?.avm}
                </pre>
              </Field>
              {view.manifest?.imports.length ? (
                <Field label="Imports">
                  {view.manifest.imports.map((i) => (
                    <span key={i} class="mono small">
                      {i}{' '}
                    </span>
                  ))}
                </Field>
              ) : null}
            </dl>
          ) : (
            <p data-testid="policy">Plain aleph program (no program.toml): aleph's rules only.</p>
          )}
        </section>
      </div>
      <PendingUpgrades view={view} history={history} />
      {view.manifest ? <InterfaceView iface={view.manifest.interface} /> : null}
      <Timeline history={history} />
      <RolloutView current={view.rollout} history={history} />
      <TrafficView programId={view.id} nodes={nodes} />
      <DryRunForm programId={view.id} />
      <ResolvedRefs view={view} />
    </>
  );
}

function Serving({ view }: { view: ProgramState }) {
  const s = view.serving;
  if (!s) return <span class="muted">no report from a compute node yet</span>;
  return (
    <span data-testid="edition-serving">
      {s.edition ?? 'none'}
      {s.failed_edition != null ? (
        <span class="warn">
          {' '}
          — edition {s.failed_edition} failed to start: {s.reason}
        </span>
      ) : null}{' '}
      <span class="muted">(reported at height {s.height})</span>
    </span>
  );
}

function InterfaceView({ iface }: { iface: NonNullable<ProgramState['manifest']>['interface'] }) {
  const tables = [
    ['Transitions', iface.transitions],
    ['Async functions', iface.async_functions],
    ['Functions', iface.functions],
  ] as const;
  const structs = [
    ['Structs', iface.structs],
    ['Records', iface.records],
  ] as const;
  const empty =
    [...tables, ...structs].every(([, t]) => Object.keys(t).length === 0) && !Object.keys(iface.mappings).length;
  return (
    <section class="card" aria-labelledby="if-title">
      <h2 id="if-title">Declared interface</h2>
      {empty ? <p class="muted">None declared in program.toml: upgrades are not held to an interface.</p> : null}
      <ul class="iface">
        {tables.flatMap(([label, t]) =>
          Object.entries(t).map(([n, f]) => (
            <li key={`${label}${n}`}>
              <span class="muted">{label.toLowerCase().replace(/s$/, '')}</span>{' '}
              <code>
                {n}({f.inputs.join(', ')})
              </code>
              {f.outputs.length ? (
                <>
                  {' '}
                  → <code>{f.outputs.join(', ')}</code>
                </>
              ) : null}
              {f.inline ? ' inline' : ''}
              {f.source ? <span class="muted"> — logic fixed: {f.source}</span> : null}
            </li>
          )),
        )}
        {structs.flatMap(([label, t]) =>
          Object.entries(t).map(([n, s]) => (
            <li key={`${label}${n}`}>
              <span class="muted">{label.toLowerCase().replace(/s$/, '')}</span> <code>{n}</code> {'{ '}
              {s.fields.map((f) => `${f.name}: ${f.type}`).join(', ')}
              {' }'}
            </li>
          )),
        )}
        {Object.entries(iface.mappings).map(([n, m]) => (
          <li key={`m${n}`}>
            <span class="muted">mapping</span> <code>{n}</code>: {m.key} → {m.value}
          </li>
        ))}
      </ul>
    </section>
  );
}

const REF_COLUMNS: Column<ResolvedRefView>[] = [
  { header: 'Kind', cell: (r) => r.kind },
  { header: 'Mount', cell: (r) => r.mount ?? '—' },
  { header: 'Ref', cell: (r) => <MessageLink hash={r.ref} /> },
  { header: 'File', cell: (r) => `${r.file_hash.slice(0, 16)}…`, class: 'mono small', title: (r) => r.file_hash },
  { header: 'Follows latest', cell: (r) => (r.use_latest ? 'yes' : 'no') },
];

function ResolvedRefs({ view }: { view: ProgramState }) {
  return (
    <section class="card" aria-labelledby="refs-title">
      <h2 id="refs-title">Resolved references</h2>
      <DataTable rows={view.resolved} rowKey={(r) => `${r.kind}${r.mount}${r.ref}`} columns={REF_COLUMNS} />
    </section>
  );
}
