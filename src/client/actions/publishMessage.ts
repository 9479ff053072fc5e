import { AlephError } from '../../errors.js';
import { MAX_INLINE_CONTENT_CHARS } from '../../protocol/index.js';
import { serializeContent, signMessage } from '../messages/signMessage.js';
import type { SignedMessage, UnsignedMessage } from '../messages/types.js';
import { readJson, request } from '../transport/request.js';
import type { ProgramVerdict } from './programs.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';

/**
 * Parameters of {@link publishMessage}: an unsigned message (signed with the client's account) or a signed one.
 * @example
 * await publishMessage(config, { message: signed, sync: false });
 */
export interface PublishMessageParameters {
  message: UnsignedMessage<object> | SignedMessage;
  /** Wait for the node to process the message (default true): 200 processed vs 202 pending. */
  sync?: boolean;
}

/**
 * What {@link publishMessage} returns.
 * @example
 * const { message, status }: PublishMessageReturnType = await publishMessage(config, { message: unsigned });
 */
export interface PublishMessageReturnType {
  message: SignedMessage;
  status: 'processed' | 'pending';
  response: unknown;
  /**
   * What the message did to each program it touched (PROGRAM replacement, STORE amend of code or volume):
   * the new edition, a pending time-locked upgrade, or the refusal and its rule. Empty for other messages,
   * and while the message is still pending (ask `getMessage` later).
   */
  program_verdicts: ProgramVerdict[];
}

function isSigned(m: PublishMessageParameters['message']): m is SignedMessage {
  return typeof (m as SignedMessage).signature === 'string';
}

/**
 * Stores a message's JSON content as a file (`POST /api/v0/storage/add_json`) and returns its hash,
 * for content too large to travel inline.
 * @example
 * const hash = await storeJson(config, JSON.stringify(bigContent));
 */
export async function storeJson(config: ClientConfig, itemContent: string): Promise<string> {
  const res = await request(config.apiUrl, '/api/v0/storage/add_json', {
    method: 'POST',
    body: itemContent,
    headers: { 'content-type': 'application/json' },
  });
  const body = await readJson<{ hash?: string; error_code?: string; details?: { message?: string } }>(res);
  if (res.status === 422 || !body.hash) {
    throw new AlephError(body.error_code ?? 'STORAGE_REJECTED', body.details?.message ?? 'the node did not store the content', { details: body.details ?? {} });
  }
  return body.hash;
}

/**
 * Signs (if needed) and publishes a message with `POST /api/v0/messages`. Content over 200,000 characters
 * is stored first and signed as `item_type: storage`. A rejection throws the node's AlephError
 * (`error_code`, message and hint), e.g. `UPGRADE_IMMUTABLE`.
 * @example
 * const { message, status } = await publishMessage(config, {
 *   message: buildPost({ sender: config.account.address, type: 'note', content: { text: 'hi' } }),
 * });
 */
export async function publishMessage(config: ClientConfig, params: PublishMessageParameters): Promise<PublishMessageReturnType> {
  let signed: SignedMessage;
  if (isSigned(params.message)) {
    signed = params.message;
  } else {
    const account = requireAccount(config);
    const itemContent = serializeContent(params.message);
    signed = itemContent.length > MAX_INLINE_CONTENT_CHARS
      ? await signMessage(account, params.message, { storageHash: await storeJson(config, itemContent) })
      : await signMessage(account, params.message);
  }
  const res = await request(config.apiUrl, '/api/v0/messages', {
    method: 'POST',
    body: JSON.stringify({ message: signed, sync: params.sync ?? true }),
    headers: { 'content-type': 'application/json' },
  });
  const body = await readJson<Record<string, unknown>>(res);
  if (res.status === 422) throw rejection(body, signed);
  return { message: signed, status: res.status === 202 ? 'pending' : 'processed', response: body, program_verdicts: programVerdictsOf(body) };
}

/**
 * The `program_verdicts` of a node's answer to a publication or a message lookup; [] when absent (a node
 * without governance, a message that touches no program, or one still pending).
 * @example
 * const verdicts = programVerdictsOf(await readJson(await request(apiUrl, `/api/v0/messages/${hash}`)));
 */
export function programVerdictsOf(body: Record<string, unknown>): ProgramVerdict[] {
  return Array.isArray(body.program_verdicts) ? (body.program_verdicts as ProgramVerdict[]) : [];
}

/**
 * Turns a 422 body (`{error_code, details}`) into an AlephError carrying the node's code and hint.
 * @example
 * if (res.status === 422) throw rejection(await res.json(), signed);
 */
export function rejection(body: Record<string, unknown>, signed?: { item_hash: string }): AlephError {
  const details = (body.details ?? {}) as Record<string, unknown>;
  const code = typeof body.error_code === 'string' ? body.error_code : 'MESSAGE_REJECTED';
  const message = typeof details.message === 'string' ? details.message : 'the node rejected the message';
  return new AlephError(code, message, {
    hint: typeof details.hint === 'string' ? details.hint : '',
    details: { ...details, ...(signed ? { item_hash: signed.item_hash } : {}) },
    status: 422,
  });
}
