import { buildForget } from '../messages/buildForget.js';
import type { SignedMessage } from '../messages/types.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';
import { getLiveMessage } from './getMessage.js';
import { publishMessage } from './publishMessage.js';

/**
 * Parameters of {@link deleteProgram}.
 * @example
 * await deleteProgram(config, { hash: programId, reason: 'User deletion', keepCode: true });
 */
export interface DeleteProgramParameters {
  hash: string;
  /** Default 'User deletion', as aleph-client. */
  reason?: string;
  /** Keep the code STORE instead of forgetting it too. */
  keepCode?: boolean;
}

/**
 * Deletes a program as `aleph program delete` does: a FORGET of the program, then (unless `keepCode`,
 * and only if the code is ours) a FORGET of its code STORE — in that order, because a STORE used by a
 * live program cannot be forgotten.
 * @example
 * const { forgotten } = await deleteProgram(config, { hash: programId });
 */
export async function deleteProgram(
  config: ClientConfig,
  params: DeleteProgramParameters,
): Promise<{ messages: SignedMessage[]; forgotten: string[] }> {
  const account = requireAccount(config);
  const reason = params.reason ?? 'User deletion';
  const program = await getLiveMessage(config, { hash: params.hash, type: 'PROGRAM' });
  const channel = program.channel ?? config.channel;
  const address = String(program.content.address ?? program.sender);
  const messages: SignedMessage[] = [];
  const forget = async (hashes: string[]): Promise<void> => {
    const { message } = await publishMessage(config, {
      message: buildForget({ sender: account.address, address, hashes, reason, channel }),
    });
    messages.push(message);
  };
  await forget([program.item_hash]);
  const forgotten = [program.item_hash];
  const codeRef = (program.content.code as { ref?: string } | undefined)?.ref;
  if (!params.keepCode && codeRef) {
    const code = await getLiveMessage(config, { hash: codeRef, type: 'STORE' }).catch(() => undefined);
    if (code && String(code.content.address ?? code.sender).toLowerCase() === address.toLowerCase()) {
      await forget([codeRef]);
      forgotten.push(codeRef);
    }
  }
  return { messages, forgotten };
}
