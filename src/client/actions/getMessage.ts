import type { MessageType } from '../../protocol/index.js';
import { AlephError } from '../../errors.js';
import { alephMessageSchema, messageWithStatusSchema } from '../../protocol/api/messageSchemas.js';
import { parseAnswer } from '../../protocol/api/parseAnswer.js';
import { readAnswer, request } from '../transport/request.js';
import type { ApiMessage, ClientConfig, MessageOfType, MessageStatusResponse } from '../transport/clientConfig.js';

/**
 * Parameters of {@link getMessage}.
 * @example
 * await getMessage(config, { hash, type: 'STORE' });
 */
export interface GetMessageParameters<T extends MessageType = MessageType> {
  hash: string;
  /** Throw MESSAGE_WRONG_TYPE unless the message has this type. */
  type?: T;
}

/**
 * Fetches one message and its status (`GET /api/v0/messages/{hash}`), parsed by the contract: processed, pending,
 * rejected (with the node's `error_code` and `details`) or forgotten. Throws NOT_FOUND for an unknown hash.
 * @example
 * const r = await getMessage(config, { hash, type: 'PROGRAM' });
 * if (r.status === 'rejected') console.error(r.error_code);
 */
export async function getMessage(config: ClientConfig, params: GetMessageParameters): Promise<MessageStatusResponse> {
  const res = await request(config.apiUrl, `/api/v0/messages/${encodeURIComponent(params.hash)}`);
  const body = await readAnswer(res, messageWithStatusSchema);
  // pyaleph answers pending messages with `messages: [...]` instead of `message`.
  const r: MessageStatusResponse =
    body.status === 'pending' ? { ...body, message: pendingFirst(body.messages, res.url) } : body;
  if (params.type && r.message.type !== params.type) {
    throw new AlephError('MESSAGE_WRONG_TYPE', `${params.hash} is a ${r.message.type} message, not a ${params.type}`, {
      hint: `pass the item hash of a ${params.type} message`,
      details: { hash: params.hash, type: r.message.type, expected: params.type },
    });
  }
  return r;
}

function pendingFirst<M>(messages: M[], url: string): M {
  const first = messages[0];
  if (first !== undefined) return first;
  throw new AlephError(
    'RESPONSE_INVALID',
    `the answer of ${url} does not match the API contract: field "messages": empty`,
    {
      hint: 'the node may run another version of aleph-ts; check --api-url',
      details: { url, field: 'messages', problem: 'a pending status names no message' },
    },
  );
}

/**
 * Fetches a message that must be live (processed or pending) and returns it as a processed message of its type
 * (a pending one's content is parsed by the same contract); forgotten and rejected messages throw
 * MESSAGE_FORGOTTEN / MESSAGE_REJECTED with the reason.
 * @example
 * const program = await getLiveMessage(config, { hash: programId, type: 'PROGRAM' });
 * console.log(program.content.code.ref);
 */
export async function getLiveMessage<T extends MessageType = MessageType>(
  config: ClientConfig,
  params: GetMessageParameters<T>,
): Promise<MessageOfType<T>> {
  const r = await getMessage(config, params);
  if (r.status === 'forgotten') {
    throw new AlephError(
      'MESSAGE_FORGOTTEN',
      `${params.hash} has been forgotten${r.forgotten_by.length ? ` by ${r.forgotten_by.join(', ')}` : ''}`,
      { details: { hash: params.hash, forgotten_by: r.forgotten_by } },
    );
  }
  if (r.status === 'rejected') {
    const details = (r.details ?? {}) as { message?: unknown };
    throw new AlephError('MESSAGE_REJECTED', `${params.hash} was rejected by the node (${r.error_code})`, {
      hint: typeof details.message === 'string' ? details.message : '',
      details: { hash: params.hash, error_code: r.error_code, ...details },
    });
  }
  if (r.status === 'processed') return r.message as MessageOfType<T>;
  // A pending message has the processed shape but for its confirmations and reception time.
  const { reception_time: _received, content, ...envelope } = r.message;
  const message: ApiMessage = parseAnswer(
    alephMessageSchema,
    { ...envelope, content, confirmed: false, confirmations: [] },
    `${config.apiUrl}/api/v0/messages/${params.hash}`,
  );
  return message as MessageOfType<T>;
}
