import type { ComponentChildren } from 'preact';
import { isNotFound, type Failure } from '../api.js';
import { addressHref, messageHref, programHref } from '../router.js';

export const short = (h: string, n = 10) => (h.length > n + 4 ? `${h.slice(0, n)}…` : h);

const pad = (n: number) => String(n).padStart(2, '0');
/**
 * Local time as `YYYY-MM-DD HH:MM:SS`, by hand: the browser's first toLocaleString loads its locale data, some 30 ms
 * of the first paint (bench/consolePaint.ts), and an explorer's times read best in one unambiguous format anyway.
 */
export const localTime = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
  `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

export function When({ t }: { t: number | null | undefined }) {
  if (t == null) return <span class="muted">—</span>;
  const d = new Date(t * 1000);
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {localTime(d)}
    </time>
  );
}

export const ProgramLink = ({ id, label }: { id: string; label?: string | null }) => (
  <a href={programHref(id)} class="mono" title={id}>
    {label ?? short(id)}
  </a>
);
export const MessageLink = ({ hash }: { hash: string }) => (
  <a href={messageHref(hash)} class="mono" title={hash}>
    {short(hash)}
  </a>
);
export const AddressLink = ({ address }: { address: string }) => (
  <a href={addressHref(address)} class="mono" title={address}>
    {short(address, 12)}
  </a>
);

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A failed read: what failed and why, and a retry; never the data of a half-finished read. */
export function Failed({ what, failure, retry }: { what: string; failure: Failure; retry: () => void }) {
  return (
    <div class="failed" role="alert">
      <p>
        <strong>Could not load {what}.</strong> <code>{failure.code}</code>: {failure.message}
      </p>
      {failure.hint ? <p class="muted">{failure.hint}</p> : null}
      <button type="button" onClick={retry}>
        Retry
      </button>
    </div>
  );
}

export function NotFound({ what, detail }: { what: string; detail?: string | undefined }) {
  return (
    <section aria-labelledby="nf-title" class="not-found">
      <h1 id="nf-title">Not found</h1>
      <p>{what}</p>
      {detail ? <p class="muted">{detail}</p> : null}
      <p>
        <a href="/console/programs">All programs</a> · <a href="/console/">Network</a>
      </p>
    </section>
  );
}

export { isNotFound };

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** JSON as the node answered it, in a scrolling block the keyboard can reach (tab to it, then scroll). */
export function RawJson({ value }: { value: unknown }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard
    <pre class="raw" tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
