/**
 * What the caller (the node) hands the engine to judge a deployment or an upgrade. Everything is
 * an argument, including chain state, so the engine stays pure and deterministic.
 */
import type { ConstructorContext, Manifest, ResolvedEdition, UpgradePolicyName } from '../types.js';

/** One reference of a PROGRAM to a STORE'd file, as written in its content. */
export interface ReferenceUse {
  target: 'code' | 'runtime' | 'volume';
  ref: string;
  use_latest: boolean;
  /** For volumes. */
  mount?: string;
}

/** The message that would change the program's edition (DESIGN §3 upgrade events). */
export type UpgradeCause =
  /** A PROGRAM with `replaces: <id>`. */
  | { kind: 'replace'; replaces: string }
  /** A replacement that flips `on.persistent` (`aleph program persist|unpersist`). */
  | { kind: 'persist'; replaces: string }
  /** An accepted STORE amend of `ref`, reaching the program through a `use_latest` reference. */
  | { kind: 'amend'; ref: string };

/** The edition in force. */
export interface EditionState {
  programId: string;
  edition: number;
  owner: string;
  checksum: string;
  /** Null for a plain (ungoverned) program. */
  manifest: Manifest | null;
  allow_amend: boolean;
  forgotten: boolean;
  resolved: ResolvedEdition;
  references: ReferenceUse[];
  /** sha256 of the code's files by path; needed for non-inline functions' logic. */
  sourceHashes?: Record<string, string>;
}

/** The proposed edition. `manifest` may be program.toml text, which the engine parses itself. */
export interface CandidateEdition {
  manifest: Manifest | string | null;
  resolved: ResolvedEdition;
  references: ReferenceUse[];
  /** `content.address` of the causing message: the candidate's program_owner. */
  owner: string;
  sourceHashes?: Record<string, string>;
}

/** Chain state the constructor and the dependency rule may read. */
export interface PolicyContext
  extends Pick<
    ConstructorContext,
    'height' | 'timestamp' | 'readMapping' | 'programEdition' | 'programOwnerOf' | 'approvals'
  > {
  /** Upgrade policy of another program; null when it is plain or unknown (counts as not immutable). */
  programPolicy(id: string): UpgradePolicyName | null;
}

/** Everything {@link evaluateUpgrade} needs. */
export interface UpgradeInput {
  /** Step 1 is decided by the caller (permissions live in protocol/). */
  senderAuthorized: boolean;
  cause: UpgradeCause;
  current: EditionState;
  candidate: CandidateEdition;
  ctx: PolicyContext;
  /** Set when re-evaluating a time-locked upgrade: the height it was announced at. */
  announcedHeight?: number;
  /**
   * The number the candidate would get; default `current.edition + 1`. Higher when an edition after the one in
   * force was accepted and then aborted during its rollout (DESIGN §9): edition numbers are never reused.
   */
  nextEdition?: number;
}

/** Everything {@link evaluateDeployment} needs for edition 0. */
export interface DeploymentInput {
  senderAuthorized: boolean;
  candidate: CandidateEdition;
  ctx: PolicyContext;
}
