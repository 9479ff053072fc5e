import type { MessageType } from '../protocol/index.js';
import type { AlephAccount } from './accounts/account.js';
import { getCurrentProgram } from './actions/currentProgram.js';
import { deleteProgram, type DeleteProgramParameters } from './actions/deleteProgram.js';
import { deployProgram, type DeployProgramParameters } from './actions/deployProgram.js';
import { getAggregate, type GetAggregateParameters } from './actions/getAggregate.js';
import { getLiveMessage, getMessage, type GetMessageParameters } from './actions/getMessage.js';
import { getAllMessages, getMessages, type GetMessagesParameters } from './actions/getMessages.js';
import { getPosts, type GetPostsParameters } from './actions/getPosts.js';
import {
  approveUpgrade,
  dryRunProgram,
  getHeight,
  getProgram,
  getProgramHistory,
  type ApproveUpgradeParameters,
  type DryRunCandidate,
} from './actions/programs.js';
import { publishMessage, type PublishMessageParameters } from './actions/publishMessage.js';
import { replaceProgram, setProgramPersistence, type ReplaceProgramParameters } from './actions/replaceProgram.js';
import { updateProgramCode, type UpdateProgramCodeParameters } from './actions/updateProgramCode.js';
import { replaceProgramCode, type ReplaceProgramCodeParameters } from './actions/replaceProgramCode.js';
import { listAllPrograms, listPrograms, type ListProgramsParameters } from './actions/listPrograms.js';
import { listComputeNodes } from './actions/listComputeNodes.js';
import { downloadFile, uploadFile, type UploadFileParameters } from './actions/uploadFile.js';
import { watchMessages, type WatchMessagesParameters } from './actions/watchMessages.js';
import { endRollout, getEdition, getRollout, planRollout, type PlanRolloutParameters } from './actions/rollout.js';
import { rollbackProgram, type RollbackProgramParameters } from './actions/rollbackProgram.js';
import { DEFAULT_API_URL } from './constants.js';
import type { ClientConfig } from './transport/clientConfig.js';

/**
 * Options of {@link AlephClient}.
 * @example
 * const opts: AlephClientOptions = { apiUrl: 'http://127.0.0.1:4024', account: loadAccount() };
 */
export interface AlephClientOptions {
  /** Default: `ALEPH_API_URL`, else DEFAULT_API_URL. */
  apiUrl?: string;
  account?: AlephAccount;
  channel?: string;
}

/**
 * A thin object binding every action to one node and one account (viem's client pattern): each method
 * is the plain function of the same name with the config filled in.
 * @example
 * const client = new AlephClient({ apiUrl: 'http://127.0.0.1:4024', account: loadAccount() });
 * const { id } = await client.deployProgram({ path: './hello', entrypoint: 'main:app' });
 * const { status } = await client.getMessage({ hash: id });
 */
export class AlephClient {
  readonly config: ClientConfig;

  constructor(opts: AlephClientOptions = {}) {
    this.config = {
      apiUrl: (opts.apiUrl ?? process.env.ALEPH_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, ''),
      ...(opts.account ? { account: opts.account } : {}),
      ...(opts.channel ? { channel: opts.channel } : {}),
    };
  }

  get apiUrl(): string {
    return this.config.apiUrl;
  }

  get account(): AlephAccount | undefined {
    return this.config.account;
  }

  publishMessage = (p: PublishMessageParameters) => publishMessage(this.config, p);
  uploadFile = (p: UploadFileParameters) => uploadFile(this.config, p);
  downloadFile = (p: { hash: string }) => downloadFile(this.config, p);
  getMessage = (p: GetMessageParameters) => getMessage(this.config, p);
  getLiveMessage = <T extends MessageType = MessageType>(p: GetMessageParameters<T>) => getLiveMessage(this.config, p);
  getMessages = (p: GetMessagesParameters = {}) => getMessages(this.config, p);
  getAllMessages = (p: Omit<GetMessagesParameters, 'page'> = {}) => getAllMessages(this.config, p);
  getAggregate = (p: GetAggregateParameters) => getAggregate(this.config, p);
  getPosts = (p: GetPostsParameters = {}) => getPosts(this.config, p);
  getHeight = () => getHeight(this.config);
  listComputeNodes = () => listComputeNodes(this.config);
  getProgram = (p: { id: string }) => getProgram(this.config, p);
  getProgramHistory = (p: { id: string }) => getProgramHistory(this.config, p);
  dryRunProgram = (p: { id: string; candidate: DryRunCandidate }) => dryRunProgram(this.config, p);
  approveUpgrade = (p: ApproveUpgradeParameters) => approveUpgrade(this.config, p);
  getCurrentProgram = (p: { hash: string }) => getCurrentProgram(this.config, p);
  deployProgram = (p: DeployProgramParameters) => deployProgram(this.config, p);
  updateProgramCode = (p: UpdateProgramCodeParameters) => updateProgramCode(this.config, p);
  replaceProgram = (p: ReplaceProgramParameters) => replaceProgram(this.config, p);
  replaceProgramCode = (p: ReplaceProgramCodeParameters) => replaceProgramCode(this.config, p);
  listPrograms = (p: ListProgramsParameters = {}) => listPrograms(this.config, p);
  listAllPrograms = (p: Omit<ListProgramsParameters, 'page'> = {}) => listAllPrograms(this.config, p);
  setProgramPersistence = (p: { hash: string; persistent: boolean }) => setProgramPersistence(this.config, p);
  deleteProgram = (p: DeleteProgramParameters) => deleteProgram(this.config, p);
  watchMessages = (p: WatchMessagesParameters) => watchMessages(this.config, p);
  planRollout = (p: PlanRolloutParameters) => planRollout(this.config, p);
  endRollout = (p: { id: string; edition: number; action: 'promote' | 'abort'; reason?: string }) =>
    endRollout(this.config, p);
  getRollout = (p: { id: string }) => getRollout(this.config, p);
  getEdition = (p: { id: string; edition: number }) => getEdition(this.config, p);
  rollbackProgram = (p: RollbackProgramParameters) => rollbackProgram(this.config, p);
}
