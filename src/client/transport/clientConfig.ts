import type { AlephMessage, MessageWithStatus, PendingMessage } from '../../protocol/api/messageSchemas.js';
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
 * A processed message as the node's API returns it (the contract's `AlephMessage`): the envelope plus its
 * `content`, typed by `type`.
 * @example
 * const { messages } = await getMessages(config, { msgType: 'PROGRAM' });
 * const m: ApiMessage = messages[0];
 * if (m.type === 'PROGRAM') console.log(m.item_hash, m.content.code.ref);
 */
export type ApiMessage = AlephMessage;

/** The message of one type. @example const p: MessageOfType<'PROGRAM'> = await getLiveMessage(config, { hash, type: 'PROGRAM' }); */
export type MessageOfType<T extends ApiMessage['type']> = Extract<ApiMessage, { type: T }>;

/**
 * `GET /api/v0/messages/{hash}` (the contract's `MessageWithStatus`): the message and where it stands. A pending
 * answer (pyaleph's `messages: [...]`) also has its first message as `message`.
 * @example
 * const r: MessageStatusResponse = await getMessage(config, { hash });
 * if (r.status === 'rejected') console.error(r.error_code, r.details);
 */
export type MessageStatusResponse = MessageWithStatus extends infer S
  ? S extends { status: 'pending' }
    ? S & { message: PendingMessage }
    : S
  : never;

/**
 * Throws a clear error when an action that signs has no account.
 * @example
 * const account = requireAccount(config);
 */
export function requireAccount(config: ClientConfig): AlephAccount {
  if (!config.account) throw new TypeError('this action signs messages: create the client with an `account`');
  return config.account;
}
