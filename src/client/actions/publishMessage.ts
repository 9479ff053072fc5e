import { AlephError, isAlephError } from '../../errors.js';
import { isRequestErrorCode } from '../../errorCodes/index.js';
import {
  addJsonAnswerSchema,
  errorBodySchema,
  parseAnswer,
  programVerdictsSchema,
  publicationAnswerSchema,
  type ProgramVerdict,
  type PublicationAnswer,
} from '../../protocol/api/index.js';
import { MAX_INLINE_CONTENT_CHARS } from '../../protocol/index.js';
import { serializeContent, signMessage } from '../messages/signMessage.js';
import type { SignedMessage, UnsignedMessage } from '../messages/types.js';
import { readAnswer, request } from '../transport/request.js';
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
  response: PublicationAnswer;
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
  return (await readAnswer(res, addJsonAnswerSchema)).hash;
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
export async function publishMessage(
  config: ClientConfig,
  params: PublishMessageParameters,
): Promise<PublishMessageReturnType> {
  let signed: SignedMessage;
  if (isSigned(params.message)) {
    signed = params.message;
  } else {
    const account = requireAccount(config);
    const itemContent = serializeContent(params.message);
    signed =
      itemContent.length > MAX_INLINE_CONTENT_CHARS
        ? await signMessage(account, params.message, { storageHash: await storeJson(config, itemContent) })
        : await signMessage(account, params.message);
  }
  const res = await request(config.apiUrl, '/api/v0/messages', {
    method: 'POST',
    body: JSON.stringify({ message: signed, sync: params.sync ?? true }),
    headers: { 'content-type': 'application/json' },
  }).catch((e: unknown) => {
    throw rejection(e, signed);
  });
  const body = await readAnswer(res, publicationAnswerSchema);
  return {
    message: signed,
    status: res.status === 202 ? 'pending' : 'processed',
    response: body,
    program_verdicts: body.program_verdicts ?? [],
  };
}

/**
 * The `program_verdicts` of a node's answer to a publication or a message lookup, parsed with the contract; []
 * when absent (a node without governance, a message that touches no program, or one still pending).
 * @example
 * const verdicts = programVerdictsOf(await readJson(await request(apiUrl, `/api/v0/messages/${hash}`)));
 */
export function programVerdictsOf(body: unknown, url = '(answer)'): ProgramVerdict[] {
  const v = (body as { program_verdicts?: unknown } | null)?.program_verdicts;
  return v === undefined ? [] : parseAnswer(programVerdictsSchema, v, url);
}

/**
 * The node's refusal of a message as an AlephError carrying its code, hint and the message's item_hash: from an
 * error thrown by {@link request}, or from an `{error_code, details}` body. Anything else is returned unchanged.
 * @example
 * try { await request(apiUrl, '/api/v0/messages', opts); } catch (e) { throw rejection(e, signed); }
 */
export function rejection(putative: unknown, signed?: { item_hash: string }): unknown {
  let e = putative;
  const body = errorBodySchema.safeParse(putative);
  if (body.success) {
    const { message, hint, ...details } = body.data.details;
    e = AlephError.revive(body.data.error_code, message, { hint: hint ?? '', details });
  }
  if (!isAlephError(e) || !signed || isRequestErrorCode(e.code) || e.code === 'NODE_UNREACHABLE') return e;
  return AlephError.revive(e.code, e.message, {
    hint: e.hint,
    details: { ...e.details, item_hash: signed.item_hash },
    cause: e.cause,
  });
}
