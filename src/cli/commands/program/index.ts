import { Command } from 'commander';
import { registerCreate } from './create.js';
import { registerDelete } from './delete.js';
import { registerGovernance } from './governance.js';
import { registerList } from './list.js';
import { registerLogs } from './logs.js';
import { registerPersist } from './persist.js';
import { registerRuntimeChecker } from './runtimeChecker.js';
import { registerUpdate } from './update.js';

/** `aleph program …`: the seed reference's commands plus the governance ones. */
export function programCommand(): Command {
  const program = new Command('program').description(
    'Deploy and manage serverless programs, and govern their upgrades',
  );
  registerCreate(program);
  registerUpdate(program);
  registerDelete(program);
  registerList(program);
  registerPersist(program);
  registerLogs(program);
  registerRuntimeChecker(program);
  registerGovernance(program);
  return program;
}
