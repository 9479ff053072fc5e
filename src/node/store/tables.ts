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
}

export interface FilesTable {
  hash: string;
  size: number;
  created: number;
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

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  messages: MessagesTable;
  files: FilesTable;
  stores: StoresTable;
  aggregates: AggregatesTable;
  programs: ProgramsTable;
  program_refs: ProgramRefsTable;
  ref_aliases: RefAliasesTable;
  meta: MetaTable;
  migrations_applied?: { name: string; id: Generated<number> };
}
