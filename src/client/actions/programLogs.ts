import { generateKeyPairSync, sign } from 'node:crypto';
import { type ProgramLogRecord, programLogsSchema } from '../../protocol/api/computeSchemas.js';
import { readAnswer, request } from '../transport/request.js';
import type { AlephAccount } from '../accounts/account.js';

/** One log line as the compute node returns it (the contract's type). */
export type { ProgramLogRecord };

/**
 * The headers aleph-sdk-python's `VmClient` signs an operator request with (client/vm_client.py, utils.py
 * `create_vm_control_payload` / `sign_vm_control_payload`), which aleph-vm checks: the wallet authorizes an
 * ephemeral P-256 key for a day (`X-SignedPubKey`), the key signs this one operation (`X-SignedOperation`).
 * @example
 * const headers = await signedOperatorHeaders(account, { domain: '127.0.0.1', method: 'GET', path: `/control/machine/${id}/logs` });
 */
export async function signedOperatorHeaders(
  account: AlephAccount,
  op: { domain: string; method: string; path: string; now?: Date },
): Promise<Record<string, string>> {
  const now = op.now ?? new Date();
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Python's utcnow().isoformat() + "Z": microseconds, a literal Z.
  const pyIso = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const pubkeyPayload = JSON.stringify({
    pubkey: { ...publicKey.export({ format: 'jwk' }), alg: 'ES256' },
    alg: 'ECDSA',
    domain: op.domain,
    address: account.address,
    expires: pyIso(new Date(now.getTime() + 24 * 3600 * 1000)),
    chain: 'ETH',
  });
  const signature = await account.signMessage({ message: pubkeyPayload });
  const operation = Buffer.from(
    JSON.stringify({ time: pyIso(now), method: op.method.toUpperCase(), path: op.path, domain: op.domain }),
    'utf8',
  );
  const opSignature = sign('sha256', operation, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return {
    'X-SignedPubKey': JSON.stringify({
      sender: account.address,
      payload: Buffer.from(pubkeyPayload, 'utf8').toString('hex'),
      signature,
      content: { domain: op.domain },
    }),
    'X-SignedOperation': JSON.stringify({ payload: operation.toString('hex'), signature: opSignature.toString('hex') }),
  };
}

/**
 * Reads a program's logs from a compute node, signed by its owner as aleph's CLI does
 * (`GET /control/machine/{id}/logs`); the node answers 401 without a valid signature, 403 for anyone else.
 * @example
 * for (const l of await getProgramLogs(account, { computeUrl: 'http://127.0.0.1:4020', id })) console.log(l.MESSAGE);
 */
export async function getProgramLogs(
  account: AlephAccount,
  params: { computeUrl: string; id: string },
): Promise<ProgramLogRecord[]> {
  const path = `/control/machine/${encodeURIComponent(params.id)}/logs`;
  const headers = await signedOperatorHeaders(account, {
    domain: new URL(params.computeUrl).hostname,
    method: 'GET',
    path,
  });
  return readAnswer(await request(params.computeUrl, path, { headers }), programLogsSchema);
}
