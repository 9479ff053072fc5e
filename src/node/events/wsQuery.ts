import { z } from 'zod';

/** At most this many entries per list filter, each at most FILTER_ENTRY_CHARS long. */
export const MAX_FILTER_ENTRIES = 100;
const FILTER_ENTRY_CHARS = 200;
/** pyaleph's `history: lt=200`. */
export const MAX_HISTORY = 199;

// One value per key: `?history=1&history=2` arrives as an array and is refused rather than guessed at.
const listFilter = z
  .string()
  .max(MAX_FILTER_ENTRIES * (FILTER_ENTRY_CHARS + 1), 'is too long')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine((l) => l.length <= MAX_FILTER_ENTRIES, `has more than ${MAX_FILTER_ENTRIES} entries`)
  .refine(
    (l) => l.every((s) => s.length <= FILTER_ENTRY_CHARS),
    `has an entry longer than ${FILTER_ENTRY_CHARS} characters`,
  )
  .transform((l) => (l.length ? l : undefined));

const history = z
  .string()
  .regex(/^\d{1,12}$/, 'must be a whole number')
  .transform(Number)
  .refine((n) => n <= MAX_HISTORY, `must be less than ${MAX_HISTORY + 1}`);

/** aleph's websocket query string (`/api/ws0/messages?msgType=POST&history=10`); other keys are ignored, as pyaleph does. */
export const wsMessagesQuery = z.looseObject({
  history: history.optional(),
  addresses: listFilter.optional(),
  channels: listFilter.optional(),
  chains: listFilter.optional(),
  refs: listFilter.optional(),
  msgType: listFilter.optional(),
  msgTypes: listFilter.optional(),
  contentTypes: listFilter.optional(),
  contentKeys: listFilter.optional(),
  tags: listFilter.optional(),
  hashes: listFilter.optional(),
});

export interface Filters {
  addresses?: string[] | undefined;
  channels?: string[] | undefined;
  chains?: string[] | undefined;
  refs?: string[] | undefined;
  types?: string[] | undefined;
  subtypes?: string[] | undefined;
  hashes?: string[] | undefined;
}

export type WsQuery = { ok: true; history: number; filters: Filters } | { ok: false; field: string; reason: string };

/** Parses an untrusted websocket query string once; a refusal names the failing field. */
export function parseWsQuery(putativeQuery: unknown): WsQuery {
  const r = wsMessagesQuery.safeParse(putativeQuery ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = String(issue?.path[0] ?? 'query');
    const reason = issue?.code === 'invalid_type' ? 'must be given once, as text' : (issue?.message ?? 'is invalid');
    return { ok: false, field, reason };
  }
  const q = r.data;
  return {
    ok: true,
    history: q.history ?? 0,
    filters: {
      addresses: q.addresses?.map((a) => a.toLowerCase()),
      channels: q.channels,
      chains: q.chains,
      refs: q.refs,
      types: (q.msgTypes ?? q.msgType)?.map((t) => t.toUpperCase()),
      subtypes: q.contentTypes ?? q.contentKeys ?? q.tags,
      hashes: q.hashes,
    },
  };
}
