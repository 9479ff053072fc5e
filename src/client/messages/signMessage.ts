import { AlephError } from '../../errors.js';
import { itemHashOf, MAX_INLINE_CONTENT_CHARS, verificationBuffer } from '../../protocol/index.js';
import type { AlephAccount } from '../accounts/account.js';
import type { SignedMessage, UnsignedMessage } from './types.js';

/**
 * The exact `item_content` string of a message: `JSON.stringify(content)`, as @aleph-sdk/client does.
 * The item hash is taken over these bytes, so callers must never re-serialize.
 * @example
 * const itemContent = serializeContent(buildPost({ sender, type: 'note', content: {} }));
 */
export function serializeContent(unsigned: UnsignedMessage<object>): string {
  return JSON.stringify(unsigned.content);
}

/**
 * Options of {@link signMessage}.
 * @example
 * await signMessage(account, unsigned, { storageHash: await storeJson(config, serializeContent(unsigned)) });
 */
export interface SignMessageOptions {
  /**
   * Sign as `item_type: storage` with this hash (the content was uploaded with `POST /storage/add_json`
   * beforehand). `publishMessage` does this for content over 200,000 characters.
   */
  storageHash?: string;
}

/**
 * Signs a built message: EIP-191 personal_sign over `"{chain}\n{sender}\n{type}\n{item_hash}"`.
 * Inline by default; content above 200,000 characters must go through storage (see `publishMessage`).
 * @example
 * const account = loadAccount();
 * const signed = await signMessage(account, buildPost({ sender: account.address, type: 'note', content: { a: 1 } }));
 */
export async function signMessage(
  account: AlephAccount,
  unsigned: UnsignedMessage<object>,
  opts: SignMessageOptions = {},
): Promise<SignedMessage> {
  if (unsigned.sender.toLowerCase() !== account.address.toLowerCase()) {
    throw new AlephError(
      'MESSAGE_SENDER_MISMATCH',
      `the message sender ${unsigned.sender} is not the signing account ${account.address}`,
      {
        hint: 'build the message with sender: account.address',
      },
    );
  }
  let itemContent: string | undefined;
  let itemHash: string;
  if (opts.storageHash) {
    itemHash = opts.storageHash;
  } else {
    itemContent = serializeContent(unsigned);
    if (itemContent.length > MAX_INLINE_CONTENT_CHARS) {
      throw new AlephError(
        'MESSAGE_CONTENT_TOO_LARGE',
        `content is ${itemContent.length} characters, over the ${MAX_INLINE_CONTENT_CHARS} inline limit`,
        {
          hint: 'publish it with publishMessage, which stores large content and signs it as item_type "storage"',
        },
      );
    }
    itemHash = itemHashOf(itemContent);
  }
  const base = { chain: unsigned.chain, sender: unsigned.sender, type: unsigned.type, item_hash: itemHash };
  const signature = await account.signMessage({ message: verificationBuffer(base) });
  // Key order of @aleph-sdk/client's getBroadcastable().
  return {
    chain: unsigned.chain,
    sender: unsigned.sender,
    channel: unsigned.channel,
    time: unsigned.time,
    item_type: opts.storageHash ? 'storage' : 'inline',
    item_hash: itemHash,
    ...(itemContent !== undefined ? { item_content: itemContent } : {}),
    signature,
    type: unsigned.type,
  };
}
