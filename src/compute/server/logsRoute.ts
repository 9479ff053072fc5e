import type http from 'node:http';
import { AlephError } from '../../errors.js';
import type { ProgramLogRecord } from '../../protocol/api/computeSchemas.js';
import type { NodeApi } from '../api/nodeApi.js';
import type { LogLine, ProgramLogs } from '../supervisor/programLogs.js';
import { authenticateOperator } from './operatorAuth.js';

export function alephVmRecord(programId: string, l: LogLine): ProgramLogRecord {
  return {
    SYSLOG_IDENTIFIER: `vm-${programId}-${l.stream}`,
    MESSAGE: l.message,
    file: l.stream,
    __REALTIME_TIMESTAMP: l.time,
    edition: l.edition,
  };
}

/** The domain an operation must be signed for: the operator's setting, else the host the client called. */
export function domainOf(req: http.IncomingMessage, configured?: string): string {
  if (configured) return configured;
  try {
    return new URL(`http://${req.headers.host ?? ''}`).hostname;
  } catch {
    return '';
  }
}

/**
 * The program a signed operator request may read: 401 unless signed (aleph-vm's `require_jwk_authentication`
 * runs first), 404 for a program the node does not know, 403 unless the signer owns it.
 */
export async function authorizedProgram(api: NodeApi, ref: string, signer: string): Promise<string> {
  const program = await api.program(ref);
  if (!program) throw new AlephError('COMPUTE_NOT_FOUND', `no program ${ref}`, { details: { ref } });
  if (program.owner.toLowerCase() !== signer.toLowerCase()) {
    throw new AlephError('OPERATOR_NOT_OWNER', `${signer} does not own program ${program.id}`, {
      hint: 'only the owner (content.address) of a program may read its logs',
      details: { program: program.id, signer },
    });
  }
  return program.id;
}

/** `GET /control/machine/{ref}/logs`: aleph-vm's records of the program's stdout/stderr, for its owner only. */
export async function logsRoute(
  api: NodeApi,
  logs: ProgramLogs,
  req: http.IncomingMessage,
  path: string,
  ref: string,
  domain?: string,
): Promise<ProgramLogRecord[]> {
  const signer = authenticateOperator(req.headers['x-signedpubkey'], req.headers['x-signedoperation'], {
    method: req.method ?? 'GET',
    path,
    domain: domainOf(req, domain),
  });
  const id = await authorizedProgram(api, ref, signer);
  return logs.lines(id).map((l) => alephVmRecord(id, l));
}
