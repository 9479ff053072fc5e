import type { ProgramHistory } from '../../protocol/api/programSchemas.js';
import type { RolloutView as Rollout } from '../../protocol/api/rolloutSchemas.js';
import { AddressLink, When } from './bits.js';

/** The program's rollouts (DESIGN §9), newest first: plan, status, the candidate's share now, and every event. */
export function RolloutView({ current, history }: { current: Rollout | null; history: ProgramHistory }) {
  const rollouts = [...history.rollouts].reverse();
  return (
    <section class="card" aria-labelledby="rollouts-title" data-testid="rollouts">
      <h2 id="rollouts-title">Rollouts</h2>
      {rollouts.length === 0 ? (
        <p>No rollout: every accepted edition took all traffic once it answered.</p>
      ) : (
        rollouts.map((r) => (
          <article key={r.message_hash} data-rollout-status={r.status}>
            <h3>
              {r.edition === null ? 'Planned' : `Edition ${r.edition}`} — {r.status}
              {r.message_hash === current?.message_hash && r.status === 'active' ? `, ${current.percent} % now` : ''}
            </h3>
            <p>
              Canary {r.plan.canary} %, steps {r.plan.steps.join(' → ')} % every {r.plan.step_seconds} s; abort above{' '}
              {(r.plan.max_error_rate * 100).toFixed(1)} % errors after {r.plan.min_requests} requests. Planned by{' '}
              <AddressLink address={r.planned_by} />.
            </p>
            <ol>
              {r.events.map((e) => (
                <li key={`${e.kind}-${e.time}-${e.percent ?? ''}`}>
                  <When t={e.time} /> {e.height === null ? '' : `(height ${e.height}) `}
                  {e.summary}
                </li>
              ))}
            </ol>
          </article>
        ))
      )}
    </section>
  );
}
