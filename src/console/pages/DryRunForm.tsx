import { useState } from 'preact/hooks';
import { addFileAnswerSchema } from '../../protocol/api/nodeSchemas.js';
import { dryRunResultSchema, type DryRunResult } from '../../protocol/api/programSchemas.js';
import { postAnswer, RequestFailed, type Failure } from '../api.js';

type Outcome = { kind: 'verdict'; result: DryRunResult } | { kind: 'error'; failure: Failure } | null;

const HASH = /^[0-9a-f]{64}$/;

/**
 * The dry run (`POST /api/v0/programs/{id}/dry-run`): a code file hash already uploaded, or a directory's zip
 * uploaded here first (add_file, no signed STORE), judged as the STORE amend of the code. Nothing is signed or
 * changed. A malformed request is shown as the request error it is, never as a verdict.
 */
export function DryRunForm({ programId }: { programId: string }) {
  const [mode, setMode] = useState<'hash' | 'zip'>('zip');
  const [hash, setHash] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setOutcome(null);
    try {
      let codeHash = hash.trim();
      if (mode === 'zip') {
        if (!file)
          throw new RequestFailed({ code: 'FORM_INVALID', message: 'choose a zip file first', hint: '', status: 0 });
        const form = new FormData();
        form.append('file', file, file.name);
        codeHash = (await postAnswer(addFileAnswerSchema, '/api/v0/storage/add_file', form)).hash;
      }
      const result = await postAnswer(dryRunResultSchema, `/api/v0/programs/${programId}/dry-run`, {
        code_hash: codeHash,
      });
      setOutcome({ kind: 'verdict', result });
    } catch (err) {
      setOutcome({
        kind: 'error',
        failure:
          err instanceof RequestFailed ? err.failure : { code: 'UNKNOWN', message: String(err), hint: '', status: 0 },
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="dry-title">
      <h2 id="dry-title">Dry run an upgrade</h2>
      <p class="muted">See the exact verdict of new code before anything is signed.</p>
      <form onSubmit={submit} class="dry-run">
        <fieldset>
          <legend>Candidate code</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'zip'} onChange={() => setMode('zip')} /> Upload a
            directory's zip
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'hash'} onChange={() => setMode('hash')} /> A code file
            hash already uploaded
          </label>
        </fieldset>
        {mode === 'zip' ? (
          <label>
            Zip file
            <input
              type="file"
              name="code-zip"
              accept=".zip,application/zip"
              onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
            />
          </label>
        ) : (
          <label>
            Code file hash
            <input
              type="text"
              name="code-hash"
              value={hash}
              spellcheck={false}
              aria-invalid={hash !== '' && !HASH.test(hash.trim())}
              onInput={(e) => setHash((e.target as HTMLInputElement).value)}
            />
          </label>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Judging…' : 'Dry run'}
        </button>
      </form>
      <div aria-live="polite" data-testid="dry-run-outcome">
        {outcome?.kind === 'error' ? (
          <div class="failed" role="alert" data-outcome="request-error">
            <p>
              <strong>Request error</strong> <code>{outcome.failure.code}</code>: {outcome.failure.message}
            </p>
            {outcome.failure.hint ? <p class="muted">{outcome.failure.hint}</p> : null}
          </div>
        ) : null}
        {outcome?.kind === 'verdict' ? <VerdictView r={outcome.result} /> : null}
      </div>
    </section>
  );
}

function VerdictView({ r }: { r: DryRunResult }) {
  return (
    <div class={`verdict verdict-${r.verdict}`} data-outcome="verdict" data-verdict={r.verdict}>
      <p>
        <strong>Verdict: {r.verdict}</strong>
        {r.verdict === 'accepted' ? ` — edition ${r.edition}` : ''}
        {r.verdict === 'pending' ? ` — takes effect at height ${r.effective_height ?? '?'}` : ''}
      </p>
      {r.error_code ? (
        <p>
          <code>{r.error_code}</code> — rule: {r.rule}
        </p>
      ) : null}
      {typeof r.details?.message === 'string' ? <p>{r.details.message}</p> : null}
      {typeof r.details?.hint === 'string' ? <p class="muted">{r.details.hint}</p> : null}
      <dl class="facts">
        <dt>Candidate checksum</dt>
        <dd class="mono">{r.checksum ?? '— (could not be resolved)'}</dd>
        <dt>Edition in force</dt>
        <dd>{r.current_edition}</dd>
        {r.changes?.length ? (
          <>
            <dt>What changes</dt>
            <dd>{r.changes.join(', ')}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
