import type { MessageType } from '../../protocol/index.js';
import { messageListResponseSchema, type MessageListResponse } from '../../protocol/api/messageSchemas.js';
import { readAnswer, request } from '../transport/request.js';
import type { ApiMessage, ClientConfig, MessageOfType } from '../transport/clientConfig.js';

/**
 * Filters of `GET /api/v0/messages.json` (aleph's names; arrays are sent comma-separated).
 * @example
 * await getMessages(config, { msgTypes: ['STORE', 'PROGRAM'], refs: [programId], page: 2 });
 */
export interface GetMessagesParameters {
  hashes?: string[];
  addresses?: string[];
  owners?: string[];
  refs?: string[];
  msgType?: MessageType;
  msgTypes?: MessageType[];
  channels?: string[];
  /** Float unix seconds. */
  startDate?: number;
  endDate?: number;
  /** Page size (aleph's `pagination`, default 20 on the node). */
  pagination?: number;
  page?: number;
}

/**
 * One page of messages, parsed by the contract (RESPONSE_INVALID naming the field if the node's answer does not fit).
 * @example
 * const page: GetMessagesReturnType = await getMessages(config, { pagination: 10 });
 */
export type GetMessagesReturnType = MessageListResponse;

/**
 * Lists messages matching filters, one page at a time.
 * @example
 * const { messages, pagination_total } = await getMessages(config, { msgType: 'PROGRAM', addresses: [me], pagination: 50 });
 */
export async function getMessages(
  config: ClientConfig,
  params: GetMessagesParameters = {},
): Promise<GetMessagesReturnType> {
  const res = await request(config.apiUrl, '/api/v0/messages.json', { query: { ...params } });
  return readAnswer(res, messageListResponseSchema);
}

/**
 * Lists every message matching filters, following pages until the last.
 * @example
 * const all = await getAllMessages(config, { msgType: 'PROGRAM', addresses: [me] });
 */
export async function getAllMessages(
  config: ClientConfig,
  params: Omit<GetMessagesParameters, 'page'> = {},
): Promise<ApiMessage[]> {
  const per = params.pagination ?? 200;
  const out: ApiMessage[] = [];
  for (let page = 1; ; page++) {
    const r = await getMessages(config, { ...params, pagination: per, page });
    out.push(...r.messages);
    if (r.messages.length < per || out.length >= r.pagination_total) return out;
  }
}

/**
 * The messages of one type among `messages` (a listing filtered by `msgType` holds nothing else).
 * @example
 * const programs = ofType((await getMessages(config, { msgType: 'PROGRAM' })).messages, 'PROGRAM');
 */
export function ofType<T extends MessageType>(messages: ApiMessage[], type: T): MessageOfType<T>[] {
  return messages.filter((m): m is MessageOfType<T> => m.type === type);
}
