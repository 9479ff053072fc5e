import type { Command } from 'commander';
import { registerApprove, registerCancelUpgrade } from './governance/approve.js';
import { registerChecksum } from './governance/checksum.js';
import { registerHistory, registerShow } from './governance/show.js';
import { registerUpgrade } from './governance/upgrade.js';
import { registerRollback, registerRollout } from './governance/rollout.js';

/**
 * `aleph program show|history|checksum|upgrade|approve|cancel-upgrade`: the governance commands
 * (DESIGN §4, §6), one file per concern under ./governance/.
 */
export function registerGovernance(program: Command): void {
  registerShow(program);
  registerHistory(program);
  registerChecksum(program);
  registerUpgrade(program);
  registerApprove(program);
  registerCancelUpgrade(program);
  registerRollout(program);
  registerRollback(program);
}
