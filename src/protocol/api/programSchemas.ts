import { z } from 'zod';
import { address, hash, itemHashRef } from '../content/baseContent.js';
import { programContent } from '../content/programContent.js';
import { rolloutViewSchema } from './rolloutSchemas.js';
import { jsonObject, verdictSchema } from './verdictSchemas.js';

const checksum = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-hex checksum');
const height = z.number().int().min(0);
const edition = z.number().int().min(0).max(0xffff);

/** One reference of the version in force, resolved by the node to the exact file (aliases, use_latest, pins). */
export const resolvedRefSchema = z.object({
  kind: z.enum(['code', 'runtime', 'volume', 'data']),
  mount: z.string().nullable(),
  ref: z.string(),
  version: z.string().nullable(),
  file_hash: z.string(),
  use_latest: z.boolean(),
});
export type ResolvedRefView = z.infer<typeof resolvedRefSchema>;

/** The document a checksum hashes (policy's `ResolvedEdition`): every reference as the file hash in force. */
export const resolvedEditionSchema = z.object({
  code: z.object({ file_hash: z.string(), encoding: z.string(), entrypoint: z.string() }),
  runtime: z.object({ file_hash: z.string() }),
  volumes: z.array(
    z.object({
      mount: z.string(),
      file_hash: z.string().optional(),
      ephemeral: z.boolean().optional(),
      size_mib: z.number().optional(),
      name: z.string().optional(),
      persistence: z.string().optional(),
    }),
  ),
  environment: jsonObject,
  resources: jsonObject,
  variables: z.record(z.string(), z.string()).nullable(),
  on: z.object({ http: z.boolean(), persistent: z.boolean() }),
});

/** A program's constructor: the `program.toml` annotation and the AVM code it compiled to. */
export const constructorViewSchema = z.object({
  annotation: z.string(),
  kind: z.string(),
  avm: z.string(),
  params: jsonObject.optional(),
});
export type ProgramConstructorView = z.infer<typeof constructorViewSchema>;

/** A time-locked upgrade: announced at one height, applied at `effective_height` unless cancelled. */
export const pendingUpgradeSchema = z.object({
  id: z.number().int(),
  message_hash: z.string(),
  cause_kind: z.string(),
  checksum,
  sender: z.string(),
  program_owner: z.string(),
  time: z.number(),
  announced_height: height,
  effective_height: height,
  status: z.enum(['pending', 'applied', 'refused', 'cancelled']),
  settled_height: height.nullable(),
  settled_by: z.string().nullable(),
});
export type PendingUpgrade = z.infer<typeof pendingUpgradeSchema>;

/** A trusted compute node's report of what it serves of a program (a failed start names the edition and why). */
export const servingReportSchema = z.object({
  edition: edition.nullable(),
  failed_edition: edition.nullable(),
  reason: z.string().nullable(),
  reported_by: z.string(),
  message_hash: z.string(),
  time: z.number(),
  height,
  summary: z.string(),
});
export type ServingState = z.infer<typeof servingReportSchema>;

/** The edition in force: what caused it, when, and which references it resolved. */
export const versionViewSchema = z.object({
  message_hash: z.string(),
  edition,
  checksum,
  cause_kind: z.string(),
  cause_message: z.string(),
  sender: z.string(),
  time: z.number(),
  height,
  references: z.unknown(),
});

const structDecl = z.object({
  fields: z.array(z.object({ name: z.string(), type: z.string() })),
  abilities: z.array(z.string()),
  type_params: z.array(z.string()),
});
const functionDecl = z.object({
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
  source: z.string().optional(),
  inline: z.boolean(),
});

/** A program's declared interface (policy's `ProgramInterface`): every table keyed by component name. */
export const programInterfaceSchema = z.object({
  structs: z.record(z.string(), structDecl),
  records: z.record(z.string(), structDecl),
  mappings: z.record(z.string(), z.object({ key: z.string(), value: z.string() })),
  functions: z.record(z.string(), functionDecl),
  transitions: z.record(z.string(), functionDecl),
  async_functions: z.record(z.string(), functionDecl),
});

/** The governance half of a program view. A plain program: `governed: false`, null policy and constructor. */
export const governanceViewSchema = z.object({
  governed: z.boolean(),
  checksum,
  upgrade_policy: z.enum(['compatible', 'immutable']).nullable(),
  constructor: constructorViewSchema.nullable(),
  manifest: z
    .object({ name: z.string().nullable(), imports: z.array(z.string()), interface: programInterfaceSchema })
    .nullable(),
  program_owner: z.string(),
  version: versionViewSchema,
  resolved_edition: resolvedEditionSchema,
  pending: z.array(pendingUpgradeSchema),
});
export type GovernanceView = z.infer<typeof governanceViewSchema>;

/**
 * `GET /api/v0/programs/{id}` (DESIGN §4): the version in force with its content and resolved references, its
 * governance, and what the compute node last reported serving (null before any report).
 */
export const programViewSchema = z.object({
  id: itemHashRef,
  owner: address,
  status: z.enum(['live', 'forgotten']),
  edition,
  current_hash: itemHashRef,
  updated_height: height,
  content: programContent.nullable(),
  resolved: z.array(resolvedRefSchema),
  ...governanceViewSchema.shape,
  serving: servingReportSchema.nullable(),
  /** The program's latest rollout (DESIGN §9), or null; the compute node splits traffic by it while active. */
  rollout: rolloutViewSchema.nullable(),
  /**
   * The number the next accepted upgrade gets: `edition + 1`, or more after an edition was aborted during its rollout
   * (numbers are never reused). Absent from nodes that predate it (then `edition + 1`).
   */
  next_edition: edition.optional(),
});
export type ProgramState = z.infer<typeof programViewSchema>;

/** `GET /api/v0/programs`: the live programs. */
export const programListSchema = z.object({ programs: z.array(programViewSchema) });
export type ProgramList = z.infer<typeof programListSchema>;

/**
 * One row of `GET /api/v0/programs/summaries`: what a list of programs shows, read for a whole page in one query
 * (the full view costs a governance and a serving lookup per program). `name` is the content's `metadata.name`, else
 * the manifest's; `updated_time` the time of the edition in force.
 */
export const programSummarySchema = z.object({
  id: hash,
  name: z.string().nullable(),
  owner: address,
  status: z.enum(['live', 'forgotten']),
  edition,
  current_hash: hash,
  checksum: checksum.nullable(),
  governed: z.boolean(),
  upgrade_policy: z.enum(['compatible', 'immutable']).nullable(),
  persistent: z.boolean(),
  created_height: height,
  updated_height: height,
  updated_time: z.number().nullable(),
});
export type ProgramSummary = z.infer<typeof programSummarySchema>;

/** `GET /api/v0/programs/summaries`: one page of live programs, newest first, with aleph's page fields. */
export const programSummaryPageSchema = z.object({
  programs: z.array(programSummarySchema),
  pagination_page: z.number().int().min(1),
  pagination_total: z.number().int().min(0),
  pagination_per_page: z.number().int().min(0),
  pagination_item: z.literal('programs'),
});
export type ProgramSummaryPage = z.infer<typeof programSummaryPageSchema>;

/** One edition in a program's history. */
export const editionViewSchema = z.object({
  edition,
  checksum,
  message_hash: z.string(),
  cause_kind: z.string(),
  sender: z.string(),
  program_owner: z.string(),
  time: z.number(),
  height,
  changes: z.array(z.string()),
  upgrade_policy: z.enum(['compatible', 'immutable']).nullable(),
});
export type ProgramEdition = z.infer<typeof editionViewSchema>;

/**
 * `GET /api/v0/programs/{id}/editions/{n}`: one edition's exact resolved content (what a rollback reproduces), the
 * PROGRAM content in force at that edition, and whether a rollout of it was aborted.
 */
export const editionDetailSchema = editionViewSchema.extend({
  program_id: itemHashRef,
  resolved_edition: resolvedEditionSchema,
  /** The edition's references as the program view lists them: what a compute node runs it from. */
  resolved: z.array(resolvedRefSchema),
  content: jsonObject,
  aborted: z.boolean(),
});
export type EditionDetail = z.infer<typeof editionDetailSchema>;

/** An attempt a program refused, with the rule that refused it. */
export const refusalViewSchema = z.object({
  message_hash: z.string(),
  cause_kind: z.string(),
  error_code: z.string(),
  rule: z.string(),
  details: jsonObject,
  checksum: z.string().nullable(),
  sender: z.string(),
  time: z.number(),
  height,
});
export type RefusedAttempt = z.infer<typeof refusalViewSchema>;

/** A signed approval (`@multisig`) of a candidate checksum as one edition: it counts for that edition only. */
export const approvalViewSchema = z.object({
  edition,
  checksum,
  address,
  message_hash: z.string(),
  height,
});
export type ProgramApproval = z.infer<typeof approvalViewSchema>;

/** `GET /api/v0/programs/{id}/history`: every edition, refused attempt, time-locked upgrade and serving report. */
export const programHistorySchema = z.object({
  program_id: itemHashRef,
  editions: z.array(editionViewSchema),
  rejected: z.array(refusalViewSchema),
  pending: z.array(pendingUpgradeSchema),
  serving_reports: z.array(servingReportSchema),
  /** Every approval signed for this program, oldest first (the console counts them against the threshold). */
  approvals: z.array(approvalViewSchema),
  /** Every rollout plan, oldest first, with its events (started, steps, promoted or aborted). */
  rollouts: z.array(rolloutViewSchema),
});
export type ProgramHistory = z.infer<typeof programHistorySchema>;

/**
 * `POST /api/v0/programs/{id}/dry-run`: a full PROGRAM content (judged as a replacement), or the hash of new code
 * already uploaded (judged as the STORE amend of the code); `sender` who would sign (default: the owner), `time`
 * the content's time when it has none.
 */
const dryRunCommon = { sender: address.optional(), time: z.number().min(0).optional() };
export const dryRunContentRequestSchema = z.strictObject({ content: jsonObject, ...dryRunCommon });
export const dryRunCodeRequestSchema = z.strictObject({ code_hash: hash, ...dryRunCommon });
/** Older clients name the code `code_file_hash`. */
export const dryRunCodeFileRequestSchema = z.strictObject({ code_file_hash: hash, ...dryRunCommon });
export const dryRunRequestSchema = z.union([
  dryRunContentRequestSchema,
  dryRunCodeRequestSchema,
  dryRunCodeFileRequestSchema,
]);
export type DryRunRequest = z.infer<typeof dryRunRequestSchema>;

/**
 * Picks the dry-run form by the key the body has, so a bad body is refused naming its own field (a union alone
 * would only say that no form matched).
 */
export function dryRunRequestSchemaFor(putative: unknown): z.ZodType<DryRunRequest> {
  const o = putative && typeof putative === 'object' && !Array.isArray(putative) ? putative : {};
  if ('content' in o) return dryRunContentRequestSchema;
  if ('code_file_hash' in o && !('code_hash' in o)) return dryRunCodeFileRequestSchema;
  return dryRunCodeRequestSchema;
}

/**
 * The answer of a dry run: one {@link verdictSchema} (accepted, pending or refused — a refusal is an answer here,
 * not an error) with the candidate's checksum, the edition in force and the document the checksum hashes.
 * `accepted` and `pending` repeat `verdict` as booleans for older scripts.
 */
export const dryRunResultSchema = verdictSchema.extend({
  verdict: z.enum(['accepted', 'pending', 'refused']),
  program_id: itemHashRef,
  cause_kind: z.string(),
  /** The candidate's checksum; null when the candidate could not even be resolved (a refused reference). */
  checksum: checksum.nullable(),
  accepted: z.boolean(),
  pending: z.boolean(),
  edition,
  current_edition: edition,
  current_checksum: checksum.optional(),
  resolved_edition: resolvedEditionSchema.optional(),
});
export type DryRunResult = z.infer<typeof dryRunResultSchema>;

/** `GET /api/v0/height`. */
export const heightSchema = z.object({ height });
