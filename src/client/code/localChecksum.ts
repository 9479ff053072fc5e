import { AlephError } from '../../errors.js';
import { computeChecksum, type ResolvedEdition } from '../../policy/index.js';
import { itemHashOf } from '../../protocol/index.js';
import type { PreparedCode } from './prepareCode.js';

/**
 * The checksum the program would have with `code` as its code (what `aleph program upgrade` publishes: a
 * STORE amend of its code), computed here with the node's own function over the node's resolved edition.
 *
 * @example
 * const { resolved_edition } = await getProgram(config, { id });
 * localChecksum(resolved_edition, prepareCode('./v2')); // { checksum: '3f…', code_file_hash: '…' }
 */
export function localChecksum(
  resolved: ResolvedEdition,
  code: PreparedCode,
): { checksum: string; code_file_hash: string } {
  if (code.encoding !== resolved.code.encoding) {
    throw new AlephError(
      'CODE_ENCODING_MISMATCH',
      `the new code is ${code.encoding} but the program's code is ${resolved.code.encoding}`,
      {
        hint: 'code must keep the encoding of the previous version (as aleph-client requires)',
        details: { expected: resolved.code.encoding, got: code.encoding },
      },
    );
  }
  const fileHash = itemHashOf(code.bytes);
  return {
    checksum: computeChecksum({ ...resolved, code: { ...resolved.code, file_hash: fileHash } }),
    code_file_hash: fileHash,
  };
}
