// The aleph-ts SDK: accounts, message builders, and actions against a node's aleph v0 API.
export * from './constants.js';
export * from './accounts/account.js';
export * from './accounts/keyFile.js';
export * from './messages/types.js';
export * from './messages/buildPost.js';
export * from './messages/buildAggregate.js';
export * from './messages/buildStore.js';
export * from './messages/buildForget.js';
export * from './messages/buildProgram.js';
export * from './messages/buildAmend.js';
export * from './messages/signMessage.js';
export * from './code/zipDirectory.js';
export * from './code/prepareCode.js';
export * from './code/manifestPolicy.js';
export * from './code/localChecksum.js';
export * from './transport/clientConfig.js';
export * from './transport/request.js';
export * from './transport/multipart.js';
export * from './actions/publishMessage.js';
export * from './actions/uploadFile.js';
export * from './actions/getMessage.js';
export * from './actions/getMessages.js';
export * from './actions/listComputeNodes.js';
export * from './actions/getAggregate.js';
export * from './actions/getPosts.js';
export * from './actions/programs.js';
export * from './actions/watchMessages.js';
export * from './actions/deployProgram.js';
export * from './actions/currentProgram.js';
export * from './actions/replaceProgram.js';
export * from './actions/replaceProgramCode.js';
export * from './actions/listPrograms.js';
export * from './actions/programLogs.js';
export * from './actions/updateProgramCode.js';
export * from './actions/deleteProgram.js';
export * from './actions/rollout.js';
export * from './actions/rollbackProgram.js';
export * from './AlephClient.js';
export * from './options/parseVolumeSpec.js';
export * from './options/parseEnvVars.js';
/**
 * A PROGRAM volume (immutable, ephemeral or persistent), re-exported from the protocol's schema.
 * @example
 * const v: ProgramVolume = { mount: '/opt/data', name: 'data', size_mib: 100, persistence: 'host' };
 */
export type { ProgramVolume } from '../protocol/index.js';
export { AlephError, isAlephError, type AlephErrorCode, type ErrorContext } from '../errors.js';
export { isRequestErrorCode, REQUEST_ERROR_CODES, type RequestErrorCode } from '../errorCodes/index.js';
