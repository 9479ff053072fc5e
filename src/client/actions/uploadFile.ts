import { AlephError } from '../../errors.js';
import { itemHashOf } from '../../protocol/index.js';
import { buildStore } from '../messages/buildStore.js';
import { signMessage } from '../messages/signMessage.js';
import type { SignedMessage } from '../messages/types.js';
import { multipartBody } from '../transport/multipart.js';
import { readAnswer, request } from '../transport/request.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';
import type { ProgramVerdict } from './programs.js';
import { rejection } from './publishMessage.js';
import { addFileAnswerSchema } from '../../protocol/api/index.js';

/**
 * Parameters of {@link uploadFile}.
 * @example
 * await uploadFile(config, { file: bytes, store: { ref: earlierStoreHash } });
 */
export interface UploadFileParameters {
  file: Uint8Array;
  /**
   * Also publish a signed STORE for the file (default true): without one the node keeps the bytes
   * but nothing refers to them. `ref` amends an earlier STORE.
   */
  store?: boolean | { ref?: string | undefined; channel?: string | undefined; address?: string | undefined };
  /** Called as bytes go out. */
  onProgress?: ((sentBytes: number, totalBytes: number) => void) | undefined;
  sync?: boolean;
}

/**
 * What {@link uploadFile} returns: the file hash and, with a STORE, the STORE message.
 * @example
 * const { hash, message }: UploadFileReturnType = await uploadFile(config, { file: bytes });
 */
export interface UploadFileReturnType {
  /** sha256 of the file bytes: the `item_hash` inside the STORE content. */
  hash: string;
  /** The signed STORE (its item_hash is what programs reference as code or volume). */
  message?: SignedMessage;
  status?: 'processed' | 'pending';
  /**
   * With a STORE that amends code or a volume: each program using it and whether it adopted it (new
   * edition) or refused (rule). The STORE itself is accepted either way. Empty otherwise.
   */
  program_verdicts: ProgramVerdict[];
}

/**
 * Uploads a file with `POST /api/v0/storage/add_file` (multipart `file`, and `metadata` holding a signed
 * STORE by default), reporting progress as bytes are sent.
 * @example
 * const { hash, message } = await uploadFile(config, {
 *   file: readFileSync('code.zip'),
 *   onProgress: (sent, total) => process.stderr.write(`${sent}/${total}\r`),
 * });
 * console.log(hash, message?.item_hash);
 */
export async function uploadFile(config: ClientConfig, params: UploadFileParameters): Promise<UploadFileReturnType> {
  const hash = itemHashOf(params.file);
  const storeOpts =
    params.store === undefined || params.store === true ? {} : params.store === false ? undefined : params.store;
  let message: SignedMessage | undefined;
  if (storeOpts) {
    const account = requireAccount(config);
    const unsigned = buildStore({
      sender: account.address,
      address: storeOpts.address,
      file: params.file,
      ref: storeOpts.ref,
      channel: storeOpts.channel ?? config.channel,
    });
    message = await signMessage(account, unsigned);
  }
  const parts = [
    ...(message
      ? [
          {
            name: 'metadata',
            data: JSON.stringify({ message, sync: params.sync ?? true }),
            contentType: 'application/json',
          },
        ]
      : []),
    { name: 'file', data: params.file, filename: 'file' },
  ];
  const { body, contentType, length } = multipartBody(parts, params.onProgress);
  const res = await request(config.apiUrl, '/api/v0/storage/add_file', {
    method: 'POST',
    body,
    headers: { 'content-type': contentType, 'content-length': String(length) },
  }).catch((e: unknown) => {
    throw rejection(e, message);
  });
  const out = await readAnswer(res, addFileAnswerSchema);
  if (out.hash !== hash) {
    throw new AlephError('STORAGE_HASH_MISMATCH', `the node stored the file as ${out.hash}, expected ${hash}`, {
      hint: 'the upload was altered in transit, or the node hashes files differently',
      details: { expected: hash, got: out.hash },
    });
  }
  return {
    hash,
    ...(message ? { message, status: res.status === 202 ? 'pending' : 'processed' } : {}),
    program_verdicts: out.program_verdicts ?? [],
  };
}

/**
 * Downloads a stored file (`GET /api/v0/storage/raw/{hash}`).
 * @example
 * const bytes = await downloadFile(config, { hash });
 */
export async function downloadFile(config: ClientConfig, params: { hash: string }): Promise<Uint8Array> {
  const res = await request(config.apiUrl, `/api/v0/storage/raw/${encodeURIComponent(params.hash)}`);
  return new Uint8Array(await res.arrayBuffer());
}
