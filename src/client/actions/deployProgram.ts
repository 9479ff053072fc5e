import { prepareCode, type PreparedCode } from '../code/prepareCode.js';
import { buildProgram, type BuildProgramParameters } from '../messages/buildProgram.js';
import type { SignedMessage } from '../messages/types.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';
import { publishMessage } from './publishMessage.js';
import { uploadFile } from './uploadFile.js';

/**
 * Parameters of {@link deployProgram}: code from a path (directory, .zip, .squashfs) or prepared bytes.
 * @example
 * await deployProgram(config, { path: './hello', entrypoint: 'main:app', persistent: true, memory: 256 });
 */
export type DeployProgramParameters = Omit<BuildProgramParameters, 'sender' | 'codeRef' | 'encoding'> & {
  path?: string;
  code?: PreparedCode;
  onProgress?: ((sentBytes: number, totalBytes: number) => void) | undefined;
};

/**
 * What {@link deployProgram} returns.
 * @example
 * const { id, code }: DeployProgramReturnType = await deployProgram(config, { path: './hello', entrypoint: 'main:app' });
 */
export interface DeployProgramReturnType {
  /** The program id: item_hash of its PROGRAM message. */
  id: string;
  program: SignedMessage;
  /** The STORE of the code (its item_hash is `program.content.code.ref`). */
  code: SignedMessage;
  codeFileHash: string;
  status: 'processed' | 'pending';
}

/**
 * Deploys a program as `aleph program create` does: zips the directory (or takes the archive), uploads it
 * with a signed STORE, then publishes the PROGRAM that runs it.
 * @example
 * const { id } = await deployProgram(config, { path: './hello', entrypoint: 'main:app', name: 'hello' });
 * console.log(`http://127.0.0.1:4020/vm/${id}`);
 */
export async function deployProgram(
  config: ClientConfig,
  params: DeployProgramParameters,
): Promise<DeployProgramReturnType> {
  const account = requireAccount(config);
  const { path, code: given, onProgress, ...programParams } = params;
  const code = given ?? prepareCode(path ?? '.');
  const channel = programParams.channel ?? config.channel;
  const uploaded = await uploadFile(config, {
    file: code.bytes,
    store: { channel, address: programParams.address },
    onProgress,
  });
  const codeMessage = uploaded.message as SignedMessage;
  const unsigned = buildProgram({
    ...programParams,
    channel,
    sender: account.address,
    codeRef: codeMessage.item_hash,
    encoding: code.encoding,
  });
  const { message, status } = await publishMessage(config, { message: unsigned });
  return { id: message.item_hash, program: message, code: codeMessage, codeFileHash: uploaded.hash, status };
}
