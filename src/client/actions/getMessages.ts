import type { MessageType } from '../../protocol/index.js';
import { readJson, request } from '../transport/request.js';
import type { ApiMessage, ClientConfig } from '../transport/clientConfig.js';

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
 * One page of messages.
 * @example
 * const page: GetMessagesReturnType = await getMessages(config, { pagination: 10 });
 */
export interface GetMessagesReturnType {
  messages: ApiMessage[];
  pagination_page: number;
  pagination_total: number;
  pagination_per_page: number;
  pagination_item: 'messages';
}

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
  const body = await readJson<GetMessagesReturnType>(res);
  for (const m of body.messages ?? []) {
    if (!m.content && typeof m.item_content === 'string')
      m.content = JSON.parse(m.item_content) as ApiMessage['content'];
  }
  return body;
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
