/**
 * aleph-ts upgrade governance (DESIGN §3–§4): manifests, constructors (annotation -> AVM ->
 * interpreter), checksums, interface compatibility and the upgrade verdict. Pure: no I/O, no
 * clock; everything arrives as arguments.
 */
export type {
  CompiledConstructor,
  ConstructorContext,
  ConstructorKind,
  FieldDecl,
  FunctionDecl,
  Manifest,
  MappingDecl,
  ProgramInterface,
  ResolvedEdition,
  StructDecl,
  UpgradePolicyName,
} from './types.js';
export { emptyInterface } from './types.js';
export { POLICY_ERROR_CODES, isPolicyError, policyError } from './errors.js';
export type { PolicyErrorCode } from './errors.js';

export { compileConstructor } from './constructor/compileAnnotation.js';
export { parseAvm } from './avm/parseAvm.js';
export type { AvmInstruction, AvmOperand, AvmProgram } from './avm/instructions.js';
export { runConstructor } from './avm/runConstructor.js';

export { parseManifest } from './manifest/parseManifest.js';
export { canonicalType } from './manifest/validateType.js';
export { diffImports, diffInterface } from './interface/diffInterface.js';
export type { InterfaceComponent, InterfaceViolation } from './interface/diffInterface.js';
export { CHECKSUM_FORMAT, canonicalEditionDocument, computeChecksum } from './checksum/computeChecksum.js';
export { canonicalJson } from './checksum/canonicalJson.js';

export { evaluateUpgrade } from './evaluateUpgrade.js';
export { evaluateDeployment } from './evaluateDeployment.js';
export { describeChanges } from './upgrade/describeChanges.js';
export { isPendingVerdict, timelockDue } from './upgrade/verdict.js';
export type { AcceptedVerdict, PendingVerdict, RejectedVerdict, Verdict } from './upgrade/verdict.js';
export type {
  CandidateEdition,
  DeploymentInput,
  EditionState,
  PolicyContext,
  ReferenceUse,
  UpgradeCause,
  UpgradeInput,
} from './upgrade/inputs.js';
