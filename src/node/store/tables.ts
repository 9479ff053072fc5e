import type { Generated } from 'kysely';

/** Every message the node has seen, with its status; `height` orders processed messages (DESIGN §3). */
export interface MessagesTable {
  item_hash: string;
  type: string;
  chain: string;
  sender: string;
  owner: string | null;
  channel: string | null;
  time: number;
  item_type: string;
  item_content: string | null;
  signature: string;
  /** The raw content JSON exactly as signed (null until known for storage messages). */
  content: string | null;
  status: 'processed' | 'pending' | 'rejected' | 'forgotten';
  error_code: string | null;
  details: string | null;
  reception_time: number;
  height: number | null;
  forgotten_by: string | null;
  /** POST/STORE `ref`, PROGRAM `replaces`. */
  ref: string | null;
  /** POST `type`, AGGREGATE `key`. */
  subtype: string | null;
  size: number;
  /** File hash a pending message waits for. */
  waiting_for: string | null;
  /** `block.height` the ordered writer assigned (time-based, DESIGN §4); null unless processed. */
  block_height?: number | null | undefined;
  /** `block.timestamp` the ordered writer assigned, in seconds (never the sender's `time`). */
  block_time?: number | null | undefined;
}

export interface FilesTable {
  hash: string;
  size: number;
  created: number;
}

/** Another name for a stored file: the CID kubo gives its bytes (`file_hash` is their sha256, in `files`). */
export interface IpfsCidsTable {
  cid: string;
  file_hash: string;
  size: number;
}

/** One row per accepted STORE: `original` is the first STORE of the chain of amends. */
export interface StoresTable {
  item_hash: string;
  original: string;
  file_hash: string;
  owner: string;
  height: number;
}

export interface AggregatesTable {
  address: string;
  key: string;
  content: string;
  height: number;
}

/** Current state of each program; its id is the hash of the first PROGRAM message. */
export interface ProgramsTable {
  id: string;
  owner: string;
  current_hash: string;
  edition: number;
  status: 'live' | 'forgotten';
  created_height: number;
  updated_height: number;
}

/** The STORE refs a program's current version resolves to: code, runtime and immutable volumes. */
export interface ProgramRefsTable {
  program_id: string;
  kind: 'code' | 'runtime' | 'volume' | 'data';
  /** Volume mount point; '' for code and runtime. */
  mount: string;
  ref: string;
  original: string;
  version: string;
  file_hash: string;
  use_latest: number;
}

/** Aliases of well-known refs (the seed's default runtime) to a STORE of this network. */
export interface RefAliasesTable {
  alias: string;
  target: string;
}

/**
 * One accepted edition of a program (DESIGN §3): edition 0 at deployment, +1 per accepted upgrade.
 * JSON columns: `changes` string[], `resolved` ResolvedEdition, `refs` ReferenceUse[], `manifest`
 * Manifest or null (plain program), `source_hashes` path -> sha256 of non-inline function sources.
 */
export interface ProgramEditionsTable {
  program_id: string;
  edition: number;
  checksum: string;
  /** The message that caused the edition (for a time-locked upgrade: the announcing message). */
  message_hash: string;
  cause_kind: 'deploy' | 'replace' | 'persist' | 'amend';
  sender: string;
  /** `content.address` of the causing message: `program_owner` in constructors. */
  program_owner: string;
  time: number;
  /** Height at which the edition took effect. */
  height: number;
  changes: string;
  resolved: string;
  refs: string;
  manifest: string | null;
  source_hashes: string;
  upgrade_policy: string | null;
}

/** A deployment or upgrade the program's policy (or aleph's rules) refused, with the rule. */
export interface ProgramRefusalsTable {
  id: Generated<number>;
  program_id: string;
  message_hash: string;
  cause_kind: string;
  error_code: string;
  rule: string;
  /** JSON object; `message` is the human sentence. */
  details: string;
  /** The candidate's checksum, when its references could be resolved. */
  checksum: string | null;
  sender: string;
  time: number;
  /** Height the attempt was judged at. */
  height: number;
}

/** A `@timelock` upgrade announced and waiting for its height; settled once (applied, cancelled, refused). */
export interface ProgramPendingTable {
  id: Generated<number>;
  program_id: string;
  message_hash: string;
  cause_kind: 'replace' | 'persist' | 'amend';
  /** JSON: `{kind:"replace"}` (the content is the message's) or `{kind:"amend", original, version, file_hash}`. */
  candidate: string;
  sender: string;
  program_owner: string;
  checksum: string;
  time: number;
  announced_height: number;
  effective_height: number;
  status: 'pending' | 'applied' | 'cancelled' | 'refused';
  settled_height: number | null;
  /** The message that applied (any message at the effective height) or cancelled it. */
  settled_by: string | null;
}

/** A signed approval of a candidate checksum by `address` (POST `program-upgrade-approval`), for `@multisig`. */
export interface ProgramApprovalsTable {
  program_id: string;
  /** The candidate edition the approval is for; it counts for that edition only. */
  edition: number;
  checksum: string;
  address: string;
  message_hash: string;
  height: number;
}

/** A trusted compute node's signed account of what it serves of a program (POST `aleph-compute-report`). */
export interface ProgramComputeReportsTable {
  id: Generated<number>;
  program_id: string;
  /** The compute node's address. */
  reporter: string;
  serving_edition: number | null;
  /** The edition that failed to start, when one did. */
  failed_edition: number | null;
  reason: string | null;
  message_hash: string;
  time: number;
  height: number;
}

/** A registered compute node (POST /api/v0/compute/heartbeat), outside the ordered state. */
export interface ComputeNodesTable {
  address: string;
  url: string;
  name: string;
  signed_time: number;
  first_seen: number;
  last_seen: number;
}

/** A signed rollout plan (POST `aleph-rollout`) and how it ended (rolloutsMigration). */
export interface ProgramRolloutsTable {
  id: Generated<number>;
  program_id: string;
  checksum: string;
  /** JSON of the plan (RolloutPlan). */
  plan: string;
  planned_by: string;
  message_hash: string;
  /** Processing order of the plan (messages.height): it binds to the first edition processed after it. */
  height: number;
  /** Block time of the plan's acceptance. */
  time: number;
  ended_kind: 'promoted' | 'aborted' | null;
  ended_by: string | null;
  ended_reason: string | null;
  /** JSON `{requests, errors, error_rate}` of an abort, when given. */
  ended_stats: string | null;
  ended_message_hash: string | null;
  ended_height: number | null;
  ended_time: number | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  messages: MessagesTable;
  files: FilesTable;
  ipfs_cids: IpfsCidsTable;
  stores: StoresTable;
  aggregates: AggregatesTable;
  programs: ProgramsTable;
  program_refs: ProgramRefsTable;
  ref_aliases: RefAliasesTable;
  program_editions: ProgramEditionsTable;
  program_refusals: ProgramRefusalsTable;
  program_pending: ProgramPendingTable;
  program_approvals: ProgramApprovalsTable;
  program_compute_reports: ProgramComputeReportsTable;
  compute_nodes: ComputeNodesTable;
  program_rollouts: ProgramRolloutsTable;
  meta: MetaTable;
  migrations_applied?: { name: string; id: Generated<number> };
}
