import type { MessageStatus, MessageType } from '../../protocol/index.js';
import { AlephError } from '../../errors.js';
import { readJson, request } from '../transport/request.js';
import type { ApiMessage, ClientConfig, MessageStatusResponse } from '../transport/clientConfig.js';

/**
 * Parameters of {@link getMessage}.
 * @example
 * await getMessage(config, { hash, type: 'STORE' });
 */
export interface GetMessageParameters {
  hash: string;
  /** Throw MESSAGE_WRONG_TYPE unless the message has this type. */
  type?: MessageType;
}

/**
 * Fetches one message and its status (`GET /api/v0/messages/{hash}`): processed, pending, rejected
 * (with the node's `error_code` and `details`) or forgotten. Throws NOT_FOUND for an unknown hash.
 * @example
 * const { status, message } = await getMessage(config, { hash, type: 'PROGRAM' });
 */
export async function getMessage(config: ClientConfig, params: GetMessageParameters): Promise<MessageStatusResponse> {
  const res = await request(config.apiUrl, `/api/v0/messages/${encodeURIComponent(params.hash)}`);
  const body = await readJson<MessageStatusResponse & { messages?: ApiMessage[] }>(res);
  // pyaleph answers pending messages with `messages: [...]` instead of `message`.
  if (!body.message && body.messages?.length) body.message = body.messages[0];
  if (body.message && !body.message.content && typeof body.message.item_content === 'string') {
    body.message.content = JSON.parse(body.message.item_content) as ApiMessage['content'];
  }
  if (params.type && body.message && body.message.type !== params.type) {
    throw new AlephError(
      'MESSAGE_WRONG_TYPE',
      `${params.hash} is a ${body.message.type} message, not a ${params.type}`,
      {
        hint: `pass the item hash of a ${params.type} message`,
        details: { hash: params.hash, type: body.message.type, expected: params.type },
      },
    );
  }
  return body;
}

/**
 * Fetches a message that must be live (processed or pending) and returns it; forgotten and rejected
 * messages throw MESSAGE_FORGOTTEN / MESSAGE_REJECTED with the reason.
 * @example
 * const program = await getLiveMessage(config, { hash: programId, type: 'PROGRAM' });
 * console.log(program.content.code);
 */
export async function getLiveMessage(config: ClientConfig, params: GetMessageParameters): Promise<ApiMessage> {
  const r = await getMessage(config, params);
  const status: MessageStatus = r.status;
  if (status === 'forgotten') {
    throw new AlephError(
      'MESSAGE_FORGOTTEN',
      `${params.hash} has been forgotten${r.forgotten_by?.length ? ` by ${r.forgotten_by.join(', ')}` : ''}`,
      {
        details: { hash: params.hash, forgotten_by: r.forgotten_by ?? [] },
      },
    );
  }
  if (status === 'rejected') {
    throw new AlephError(
      'MESSAGE_REJECTED',
      `${params.hash} was rejected by the node${r.error_code ? ` (${r.error_code})` : ''}`,
      {
        hint: typeof r.details?.message === 'string' ? r.details.message : '',
        details: { hash: params.hash, error_code: r.error_code, ...r.details },
      },
    );
  }
  return r.message;
}
