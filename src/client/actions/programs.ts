/**
 * The program actions, one per file (viem's layout); this module gathers them for older imports.
 * @example
 * import { getProgram, dryRunProgram } from './programs.js';
 */
export { approveUpgrade, type ApproveUpgradeParameters, type ApproveUpgradeReturnType } from './approveUpgrade.js';
export { dryRunProgram, type DryRunCandidate, type DryRunResult } from './dryRunProgram.js';
export { getHeight } from './getHeight.js';
export {
  getProgram,
  type PendingUpgrade,
  type ProgramConstructorView,
  type ProgramState,
  type ServingState,
} from './getProgram.js';
export {
  getProgramHistory,
  type ProgramEdition,
  type ProgramHistory,
  type RefusedAttempt,
} from './getProgramHistory.js';
export type { ProgramVerdict } from '../../protocol/api/index.js';
