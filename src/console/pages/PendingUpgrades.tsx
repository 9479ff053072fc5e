import type { ProgramHistory, ProgramState } from '../../protocol/api/programSchemas.js';
import { AddressLink, MessageLink } from '../components/bits.js';
import { observedBlockMs, useHeight } from '../height.js';

function countdown(blocks: number): string {
  if (blocks <= 0) return 'due now';
  const s = Math.round((blocks * (observedBlockMs() ?? 1000)) / 1000);
  const m = Math.floor(s / 60);
  return `in ${blocks} block${blocks === 1 ? '' : 's'} (~${m ? `${m} min ` : ''}${s % 60} s)`;
}

/**
 * Upgrades waiting on the policy: `@timelock` announcements with a live countdown to their height, and the
 * approvals gathered for the next edition under `@multisig` (or where `@checksum` reads its approval).
 */
export function PendingUpgrades({ view, history }: { view: ProgramState; history: ProgramHistory }) {
  const height = useHeight();
  const c = view.constructor;
  const params = (c?.params ?? {}) as Record<string, unknown>;
  const next = view.next_edition ?? view.edition + 1;
  const approvals = history.approvals.filter((a) => a.edition === next);
  const byChecksum = new Map<string, string[]>();
  for (const a of approvals) byChecksum.set(a.checksum, [...(byChecksum.get(a.checksum) ?? []), a.address]);
  const threshold = typeof params.threshold === 'number' ? params.threshold : null;
  const signers = Array.isArray(params.signers) ? params.signers.filter((s): s is string => typeof s === 'string') : [];
  return (
    <section class="card" aria-labelledby="pending-title">
      <h2 id="pending-title">Pending upgrades</h2>
      {view.pending.length === 0 && c?.kind !== 'multisig' && c?.kind !== 'checksum' ? (
        <p class="muted">None.</p>
      ) : null}
      {view.pending.length ? (
        <ul data-testid="pending">
          {view.pending.map((p) => (
            <li key={p.id} data-pending={p.effective_height}>
              <strong>Time-locked</strong> {p.cause_kind} by <AddressLink address={p.sender} />, announced at height{' '}
              {p.announced_height}, takes effect at height {p.effective_height}{' '}
              <span class="countdown" data-testid="countdown">
                {height == null ? '' : countdown(p.effective_height - height)}
              </span>
              <br />
              <span class="mono small">checksum {p.checksum}</span> · message <MessageLink hash={p.message_hash} />
            </li>
          ))}
        </ul>
      ) : null}
      {c?.kind === 'multisig' ? (
        <div data-testid="approvals">
          <p>
            Edition {next} needs {threshold ?? '?'} of {signers.length} signers' approvals of its checksum.
          </p>
          {byChecksum.size === 0 ? <p class="muted">No approval signed yet.</p> : null}
          <ul>
            {[...byChecksum].map(([sum, who]) => (
              <li key={sum}>
                <span class="mono small">{sum}</span>: {new Set(who).size} of {threshold ?? '?'} —{' '}
                {[...new Set(who)].map((a) => (
                  <span key={a}>
                    <AddressLink address={a} />{' '}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {c?.kind === 'checksum' ? (
        <p>
          Approved by the aggregate <code>{String(params.mapping ?? '')}</code>
          {typeof params.key === 'string' ? (
            <>
              {' '}
              (key <code>{params.key}</code>)
            </>
          ) : null}
          : an upgrade is accepted when its checksum is the one written there
          {typeof params.mapping === 'string' && params.mapping.includes('/') ? (
            <>
              {' '}
              (<AddressLink address={params.mapping.split('/')[0]!} />)
            </>
          ) : null}
          .
        </p>
      ) : null}
    </section>
  );
}
