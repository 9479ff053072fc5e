import { AlephError } from '../../errors.js';
import { prepareCode, type PreparedCode } from '../code/prepareCode.js';
import type { ClientConfig } from '../transport/clientConfig.js';
import { getCurrentProgram } from './currentProgram.js';
import { getLiveMessage } from './getMessage.js';
import { uploadFile, type UploadFileReturnType } from './uploadFile.js';

/**
 * Parameters of {@link updateProgramCode}.
 * @example
 * await updateProgramCode(config, { hash: programId, path: './hello', onProgress: (n, t) => console.log(n, t) });
 */
export interface UpdateProgramCodeParameters {
  /** Program id (or the hash of one of its replacements). */
  hash: string;
  path?: string;
  code?: PreparedCode;
  onProgress?: ((sentBytes: number, totalBytes: number) => void) | undefined;
}

/**
 * Updates a program's code as `aleph program update` does: uploads the new code as a STORE amending the
 * program's code STORE (`ref`), which the program adopts through `code.use_latest` if its policy accepts.
 * The program id does not change. The STORE is accepted on its own; `program_verdicts` says whether the
 * program adopted it (its new edition) or refused it (the rule), and likewise for other programs using that code.
 * @example
 * const { message, program_verdicts } = await updateProgramCode(config, { hash: programId, path: './hello' });
 * const mine = program_verdicts.find((v) => v.program_id === programId); // { verdict: 'accepted', edition: 1, … }
 */
export async function updateProgramCode(
  config: ClientConfig,
  params: UpdateProgramCodeParameters,
): Promise<UploadFileReturnType & { id: string; codeRef: string }> {
  const { id, current } = await getCurrentProgram(config, { hash: params.hash });
  const code = (current.content.code ?? {}) as { ref?: string; encoding?: string; use_latest?: boolean };
  if (!code.ref) throw new AlephError('PROGRAM_INVALID', `program ${id} has no code reference`);
  const prepared = params.code ?? prepareCode(params.path ?? '.');
  if (prepared.encoding !== code.encoding) {
    throw new AlephError(
      'CODE_ENCODING_MISMATCH',
      `the new code is ${prepared.encoding} but the program's code is ${code.encoding}`,
      {
        hint: 'code must keep the encoding of the previous version (as aleph-client requires)',
        details: { expected: code.encoding, got: prepared.encoding },
      },
    );
  }
  if (code.use_latest === false) {
    throw new AlephError(
      'CODE_PINNED',
      `program ${id} pins its code (code.use_latest: false): an amend of its code would never reach it`,
      {
        hint: 'replace the program with new code instead (`aleph message amend`), if it is updatable',
        details: { program: id, code_ref: code.ref },
      },
    );
  }
  const codeStore = await getLiveMessage(config, { hash: code.ref, type: 'STORE' });
  // Amends always point at the original STORE, never at an earlier amend (aleph's rule).
  const ref = typeof codeStore.content.ref === 'string' && codeStore.content.ref ? codeStore.content.ref : code.ref;
  const uploaded = await uploadFile(config, {
    file: prepared.bytes,
    store: {
      ref,
      channel: codeStore.channel ?? undefined,
      address: String(codeStore.content.address ?? codeStore.sender),
    },
    onProgress: params.onProgress,
  });
  return { ...uploaded, id, codeRef: ref };
}
