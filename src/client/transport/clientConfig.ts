import type { MessageEnvelope, MessageStatus } from '../../protocol/index.js';
import type { ProgramVerdict } from '../actions/programs.js';
import type { AlephAccount } from '../accounts/account.js';

/**
 * What every action receives first (viem's `client` argument): where the node is and who signs.
 * @example
 * const config: ClientConfig = { apiUrl: 'http://127.0.0.1:4024', account: loadAccount() };
 * await getMessage(config, { hash });
 */
export interface ClientConfig {
  /** Node API base URL, e.g. http://127.0.0.1:4024. */
  apiUrl: string;
  /** Signer for actions that publish; read-only actions do not need one. */
  account?: AlephAccount;
  /** Channel for messages built by the client; default DEFAULT_CHANNEL. */
  channel?: string;
}

/**
 * A message as the node's API returns it: the envelope plus its parsed `content`.
 * @example
 * const { messages } = await getMessages(config, { msgType: 'PROGRAM' });
 * const m: ApiMessage = messages[0];
 * console.log(m.item_hash, m.content.address);
 */
export type ApiMessage = MessageEnvelope & { content: Record<string, unknown> & { address?: string; time?: number } };

/**
 * `GET /api/v0/messages/{hash}`: the message and where it stands.
 * @example
 * const r: MessageStatusResponse = await getMessage(config, { hash });
 * if (r.status === 'rejected') console.error(r.error_code, r.details);
 */
export interface MessageStatusResponse {
  status: MessageStatus;
  item_hash: string;
  reception_time?: string | number;
  message: ApiMessage;
  error_code?: string;
  details?: Record<string, unknown>;
  forgotten_by?: string[];
  /** PROGRAM and STORE messages: what the message did to each program it touched (edition, pending, refusal). */
  program_verdicts?: ProgramVerdict[];
}

/**
 * Throws a clear error when an action that signs has no account.
 * @example
 * const account = requireAccount(config);
 */
export function requireAccount(config: ClientConfig): AlephAccount {
  if (!config.account) throw new TypeError('this action signs messages: create the client with an `account`');
  return config.account;
}
