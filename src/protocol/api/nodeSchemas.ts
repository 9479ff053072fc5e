import { z } from 'zod';
import { address, hash, itemHashRef } from '../content/baseContent.js';
import { apiPostSchema } from './messageSchemas.js';
import { jsonObject, programVerdictsSchema } from './verdictSchemas.js';

/** `GET /api/v0/aggregates/{address}.json`: every key of an address, merged in processing order. */
export const aggregateAnswerSchema = z.object({ address, data: jsonObject });
export type AggregateAnswer = z.infer<typeof aggregateAnswerSchema>;

/** The page fields of aleph's v0 listings (`messages.json`, `posts.json`). */
export const paginationSchema = {
  pagination_page: z.number().int().min(1),
  pagination_total: z.number().int().min(0),
  pagination_per_page: z.number().int().min(0),
  pagination_item: z.string(),
};

/** `GET /api/v0/posts.json`: pyaleph's `PostsResponse`, posts in aleph-sdk-python's `Post` shape. */
export const postsPageSchema = z.object({ posts: z.array(apiPostSchema), ...paginationSchema });
export type PostsPage = z.infer<typeof postsPageSchema>;

/**
 * `POST /api/v0/messages` body: pyaleph's `PubMessageRequest`. The message itself is checked by the pipeline (a bad
 * one is a rejection naming its rule); a body without one is a malformed request.
 */
export const publicationRequestSchema = z.object({
  message: z.record(z.string(), z.unknown()),
  sync: z.boolean().optional(),
});
export type PublicationRequest = z.infer<typeof publicationRequestSchema>;

/** `POST /api/v0/messages`: 200 processed, 202 pending (a refusal is an error answer, never this). */
export const publicationAnswerSchema = z.object({
  publication_status: z.object({ status: z.string(), failed: z.array(z.string()) }),
  message_status: z.enum(['processed', 'pending']),
  program_verdicts: programVerdictsSchema.optional(),
});
export type PublicationAnswer = z.infer<typeof publicationAnswerSchema>;

/** `POST /api/v0/storage/add_file` (with a STORE message: its status and what programs decided). */
export const addFileAnswerSchema = z.object({
  status: z.literal('success'),
  hash,
  message_status: z.enum(['processed', 'pending']).optional(),
  program_verdicts: programVerdictsSchema.optional(),
});
export type AddFileAnswer = z.infer<typeof addFileAnswerSchema>;

/** `POST /api/v0/storage/add_json`. */
export const addJsonAnswerSchema = z.object({ status: z.literal('success'), hash });
export type AddJsonAnswer = z.infer<typeof addJsonAnswerSchema>;

/** A frame of `/api/ws0/programs` (ours): a program whose resolved version changed, as the node now has it. */
export const programEventFrameSchema = z.object({
  kind: z.enum(['program-updated', 'program-forgotten']),
  program_id: itemHashRef,
  edition: z.number().int().nonnegative().nullable(),
  current_hash: itemHashRef.nullable(),
  status: z.enum(['live', 'forgotten']).nullable(),
});
export type ProgramEventFrame = z.infer<typeof programEventFrameSchema>;
