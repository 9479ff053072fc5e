/**
 * The data model shared by the policy engine: what a manifest declares, what a constructor compiles
 * to, and the resolved edition the checksum is computed over. Pure types, no behaviour.
 */

/** Aptos-style upgrade policy; ordered by strength `compatible < immutable`. */
export type UpgradePolicyName = 'compatible' | 'immutable';

/** Every constructor kind: the four Leo annotations plus our `@multisig` and `@timelock`. */
export type ConstructorKind = 'noupgrade' | 'admin' | 'checksum' | 'custom' | 'multisig' | 'timelock';

/** A constructor as stored at edition 0: its source, its kind, and the AVM code the interpreter runs. */
export interface CompiledConstructor {
  /** The source as written, trimmed. */
  annotation: string;
  kind: ConstructorKind;
  /** AVM text exactly as Leo prints it, starting `constructor:\n`. */
  avm: string;
  /** Annotation arguments: `{address}`, `{mapping,key}`, `{threshold,signers}`, `{delay}`, or `{}`. */
  params: Record<string, unknown>;
}

/** One field of a struct or record; order is significant (Move: fields identical in order). */
export interface FieldDecl {
  name: string;
  type: string;
}

/** A struct or record declaration, with optional Move-style abilities and type parameters. */
export interface StructDecl {
  fields: FieldDecl[];
  abilities: string[];
  type_params: string[];
}

/** A mapping's key and value types. */
export interface MappingDecl {
  key: string;
  value: string;
}

/** A function, transition or async function signature. */
export interface FunctionDecl {
  inputs: string[];
  outputs: string[];
  /** Path in the code archive whose sha256 is the function's logic. */
  source?: string;
  /** Inline functions may change logic freely (Leo table). */
  inline: boolean;
}

/** The program's declared interface; every table is keyed by component name. */
export interface ProgramInterface {
  structs: Record<string, StructDecl>;
  records: Record<string, StructDecl>;
  mappings: Record<string, MappingDecl>;
  functions: Record<string, FunctionDecl>;
  transitions: Record<string, FunctionDecl>;
  async_functions: Record<string, FunctionDecl>;
}

/** A parsed and validated `program.toml`. */
export interface Manifest {
  name?: string;
  upgrade_policy: UpgradePolicyName;
  constructor: CompiledConstructor;
  imports: string[];
  interface: ProgramInterface;
}

/** An edition with every reference resolved to the exact file hash in force: the checksum input. */
export interface ResolvedEdition {
  code: { file_hash: string; encoding: string; entrypoint: string };
  runtime: { file_hash: string };
  volumes: Array<{
    mount: string;
    file_hash?: string | undefined;
    ephemeral?: boolean | undefined;
    size_mib?: number | undefined;
    name?: string | undefined;
    persistence?: string | undefined;
  }>;
  environment: Record<string, unknown>;
  resources: Record<string, unknown>;
  variables: Record<string, string> | null;
  on: { http: boolean; persistent: boolean };
}

/** What the constructor may read: the candidate edition's values and read-only chain state. */
export interface ConstructorContext {
  edition: number;
  /** The program judged (its id); `@checksum` approvals must name it. */
  programId?: string;
  programOwner: string;
  /** 64 hex characters. */
  checksum: string;
  height: number;
  timestamp: number;
  /** `mapping` is `"<address>/<aggregate key>"`, `key` the subkey; null when absent. */
  readMapping(mapping: string, key: string): string | number | boolean | null;
  programEdition(id: string): number | null;
  programOwnerOf?(id: string): string | null;
  /** Addresses that signed an approval of `checksum` (for `@multisig`). */
  approvals?(checksum: string): string[];
  /** Height at which this upgrade was announced (for `@timelock`); absent means "now". */
  announcedHeight?: number;
}

/**
 * An empty interface, for manifests that declare none.
 *
 * @example
 * emptyInterface().structs; // {}
 */
export function emptyInterface(): ProgramInterface {
  return { structs: {}, records: {}, mappings: {}, functions: {}, transitions: {}, async_functions: {} };
}
