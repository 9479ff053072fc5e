/**
 * Builders for evaluateUpgrade/evaluateDeployment tests: a realistic governed program and a chain
 * context whose state each test sets explicitly. Used by tests only.
 */
import { parseManifest } from '../manifest/parseManifest.js';
import type { Manifest, ResolvedEdition, UpgradePolicyName } from '../types.js';
import type { CandidateEdition, EditionState, PolicyContext, UpgradeInput } from './inputs.js';

export const OWNER = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
export const STRANGER = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';
export const THIRD = '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB';
export const PROGRAM_ID = 'f'.repeat(64);

/** A program.toml with the given policy and constructor and a small interface. */
export function manifestText(constructor = '@noupgrade', policy: UpgradePolicyName = 'compatible', extra = ''): string {
  return `name = "demo"
upgrade_policy = "${policy}"
constructor = '${constructor}'
${extra}
[interface.mappings.votes]
key = "address"
value = "u64"
[interface.functions.score]
inputs = ["u32"]
outputs = ["u64"]
source = "lib/score.py"
[interface.transitions.main]
inputs = ["u32"]
outputs = ["u32"]
`;
}

export function manifest(constructor?: string, policy?: UpgradePolicyName, extra?: string): Manifest {
  return parseManifest(manifestText(constructor, policy, extra));
}

export function resolved(codeHash = 'c0de'): ResolvedEdition {
  return {
    code: { file_hash: codeHash, encoding: 'zip', entrypoint: 'main:app' },
    runtime: { file_hash: 'f00d' },
    volumes: [{ mount: '/data', file_hash: 'da7a' }],
    environment: { internet: false },
    resources: { vcpus: 1, memory: 128, seconds: 30 },
    variables: null,
    on: { http: true, persistent: false },
  };
}

export function current(m: Manifest | null, over: Partial<EditionState> = {}): EditionState {
  return {
    programId: PROGRAM_ID,
    edition: 0,
    owner: OWNER,
    checksum: 'e'.repeat(64),
    manifest: m,
    allow_amend: true,
    forgotten: false,
    resolved: resolved(),
    references: [{ target: 'code', ref: 'coderef', use_latest: false }],
    sourceHashes: { 'lib/score.py': 'aa' },
    ...over,
  };
}

export function candidate(m: Manifest | string | null, over: Partial<CandidateEdition> = {}): CandidateEdition {
  return {
    manifest: m,
    resolved: resolved('c0de2'),
    references: [{ target: 'code', ref: 'coderef2', use_latest: false }],
    owner: OWNER,
    sourceHashes: { 'lib/score.py': 'aa' },
    ...over,
  };
}

export function context(over: Partial<PolicyContext> = {}, aggregates: Record<string, string> = {}): PolicyContext {
  return {
    height: 1000,
    timestamp: 1_700_000_000,
    readMapping: (mapping, key) => aggregates[`${mapping}[${key}]`] ?? null,
    programEdition: () => null,
    programPolicy: () => 'immutable',
    ...over,
  };
}

export function upgrade(cur: EditionState, cand: CandidateEdition, over: Partial<UpgradeInput> = {}): UpgradeInput {
  return {
    senderAuthorized: true,
    cause: { kind: 'replace', replaces: PROGRAM_ID },
    current: cur,
    candidate: cand,
    ctx: context(),
    ...over,
  };
}
