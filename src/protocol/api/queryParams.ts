import { z } from 'zod';
import { isAnyItemHash } from '../messages/hashFormats.js';
import { MESSAGE_TYPES } from '../messages/messageTypes.js';
import { isAddress } from '../signing/address.js';

/** Most entries a list filter (`hashes=a,b,…`) may have; longer lists are refused, not truncated. */
export const MAX_FILTER_ENTRIES = 100;
/** Longest single entry of a list filter (a channel, a tag, a post type…). */
export const MAX_FILTER_ENTRY_CHARS = 256;

// A repeated key (`?page=1&page=2`) arrives as an array: refused by z.string() rather than guessed at.
// U+0000 is refused here once for every filter: PostgreSQL cannot even compare a text column with it.
const text = z
  .string()
  .max(MAX_FILTER_ENTRIES * (MAX_FILTER_ENTRY_CHARS + 1))
  .refine((s) => !s.includes('\u0000'), 'must not contain U+0000 (NUL)');

/** aleph's comma-separated list, each entry checked by `entry`; empty entries are dropped, as aleph does. */
function list<T extends z.ZodType<unknown, string>>(entry: T) {
  return text
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(entry).max(MAX_FILTER_ENTRIES, `at most ${MAX_FILTER_ENTRIES} entries`));
}

const word = z.string().max(MAX_FILTER_ENTRY_CHARS, `each entry at most ${MAX_FILTER_ENTRY_CHARS} characters`);
const itemHash = z.string().refine(isAnyItemHash, 'expected item hashes (64-hex sha256 or IPFS CIDs)');
const address = z.string().refine(isAddress, 'expected 0x addresses');
const messageType = z
  .string()
  .transform((t) => t.toUpperCase())
  .pipe(z.enum(MESSAGE_TYPES, `expected message types (${MESSAGE_TYPES.join(', ')})`));

/** A non-negative integer written in decimal digits: never `-1`, `abc`, `1e300` or `1.5` reinterpreted. */
function integer(min: number, max: number) {
  return text
    .regex(/^\d{1,10}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}
/** A unix time in seconds (a float), at or after 0. */
const unixTime = text
  .regex(/^\d{1,12}(\.\d{1,20})?$/, 'expected a unix time in seconds (at or after 0)')
  .transform(Number);

const sortOrder = z.enum(['-1', '1'], 'expected -1 (newest first) or 1 (oldest first)').transform(Number);

/** Pagination as pyaleph has it: `pagination` items per page, 0 meaning "no limit" (bounded by the node), 1-based `page`. */
export const paginationFields = {
  pagination: integer(0, 1_000_000_000).optional(),
  page: integer(1, 1_000_000_000).optional(),
};

/** `GET /api/v0/messages.json`, after pyaleph's `MessageQueryParams` (camelCase and snake_case aliases). */
export const messagesQuerySchema = z.object({
  ...paginationFields,
  hashes: list(itemHash).optional(),
  addresses: list(address).optional(),
  owners: list(address).optional(),
  refs: list(word).optional(),
  msgType: messageType.optional(),
  msgTypes: list(messageType).optional(),
  channels: list(word).optional(),
  chains: list(word).optional(),
  contentTypes: list(word).optional(),
  contentKeys: list(word).optional(),
  tags: list(word).optional(),
  startDate: unixTime.optional(),
  endDate: unixTime.optional(),
  start_date: unixTime.optional(),
  end_date: unixTime.optional(),
  sort_order: sortOrder.optional(),
  sortOrder: sortOrder.optional(),
});
export type MessagesQuery = z.infer<typeof messagesQuerySchema>;

/** `GET /api/v0/posts.json`: aleph's post filters; `addresses` are the posts' owners. */
export const postsQuerySchema = z.object({
  ...paginationFields,
  types: list(word).optional(),
  addresses: list(address).optional(),
  hashes: list(itemHash).optional(),
  channels: list(word).optional(),
  refs: list(word).optional(),
});
export type PostsQuery = z.infer<typeof postsQuerySchema>;

/** `GET /api/v0/aggregates/{address}.json`. */
export const aggregatesQuerySchema = z.object({ keys: list(word).optional() });
export type AggregatesQuery = z.infer<typeof aggregatesQuerySchema>;

/** `GET /api/v0/programs`. */
export const programsQuerySchema = z.object({
  owners: list(address).optional(),
  addresses: list(address).optional(),
  ...paginationFields,
});
export type ProgramsQuery = z.infer<typeof programsQuerySchema>;

/** Longest `search` of the programs' summaries. */
export const MAX_PROGRAM_SEARCH_CHARS = 100;

/**
 * `GET /api/v0/programs/summaries`: the owners filter, a `search` (an id or hash prefix, a piece of the owner's
 * address, or any text of the current content: its name, metadata, entrypoint) and pagination (default 50 a page).
 */
export const programSummariesQuerySchema = z.object({
  owners: list(address).optional(),
  search: text
    .transform((s) => s.trim())
    .pipe(z.string().max(MAX_PROGRAM_SEARCH_CHARS, `at most ${MAX_PROGRAM_SEARCH_CHARS} characters`))
    .optional(),
  ...paginationFields,
});
export type ProgramSummariesQuery = z.infer<typeof programSummariesQuerySchema>;

/** A message or program named in a path (`/messages/{hash}`, `/programs/{id}`). */
export const itemHashParamSchema = z
  .string()
  .refine(isAnyItemHash, 'expected an item hash (64-hex sha256 or an IPFS CID)');
/** An address named in a path (`/aggregates/{address}.json`). */
export const addressParamSchema = z.string().refine(isAddress, 'expected a 0x address');
