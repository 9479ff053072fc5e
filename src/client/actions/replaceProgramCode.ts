import { prepareCode, type PreparedCode } from '../code/prepareCode.js';
import { pinProgramRefs } from '../messages/buildProgram.js';
import type { ClientConfig } from '../transport/clientConfig.js';
import type { PublishMessageReturnType } from './publishMessage.js';
import { getCurrentProgram } from './currentProgram.js';
import { replaceProgram } from './replaceProgram.js';
import { uploadFile, type UploadFileReturnType } from './uploadFile.js';

/**
 * Parameters of {@link replaceProgramCode}.
 * @example
 * await replaceProgramCode(config, { hash: programId, path: './v2', pin: true });
 */
export interface ReplaceProgramCodeParameters {
  /** Program id (or the hash of one of its replacements). */
  hash: string;
  path?: string;
  code?: PreparedCode;
  /** Pin code, runtime and immutable volumes (`use_latest: false`), as an immutable program must. */
  pin?: boolean;
  onProgress?: ((sentBytes: number, totalBytes: number) => void) | undefined;
}

/**
 * Upgrades a program's code by a PROGRAM replacement instead of a STORE amend: the code is uploaded as a new
 * STORE (owned by the program's address) and the replacement points at it. This is the path for what an amend
 * cannot carry — pinned refs, a new encoding, ossification (`upgrade_policy` moving to `immutable`, whose
 * dependency rule refuses any `use_latest`). The program keeps its id; its policy judges the replacement.
 * @example
 * const { program_verdicts } = await replaceProgramCode(config, { hash: id, path: './v2-immutable', pin: true });
 */
export async function replaceProgramCode(
  config: ClientConfig,
  params: ReplaceProgramCodeParameters,
): Promise<PublishMessageReturnType & { id: string; code: UploadFileReturnType }> {
  const { current } = await getCurrentProgram(config, { hash: params.hash });
  const prepared = params.code ?? prepareCode(params.path ?? '.');
  const owner = String(current.content.address ?? current.sender);
  const code = await uploadFile(config, {
    file: prepared.bytes,
    store: { channel: current.channel ?? undefined, address: owner },
    onProgress: params.onProgress,
  });
  const r = await replaceProgram(config, {
    hash: params.hash,
    edit: (c) => {
      const next = {
        ...c,
        code: { ...(c.code as Record<string, unknown>), ref: code.message!.item_hash, encoding: prepared.encoding },
      };
      return params.pin ? pinProgramRefs(next) : next;
    },
  });
  return { ...r, code };
}
