import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { recoverPersonalSigner, toChecksumAddress } from '../../protocol/index.js';

/*
 * aleph-vm's operator authentication (src/aleph/vm/orchestrator/views/authentication.py, doc/operator_auth.md),
 * which aleph-sdk-python's VmClient speaks: the wallet signs (EIP-191) a payload naming an ephemeral P-256 key
 * and an expiry (`X-SignedPubKey`); that key signs (ES256) each operation — time, method, domain, path
 * (`X-SignedOperation`). Both are JSON objects whose `payload` is hex-encoded JSON and `signature` hex.
 */

const MAX_HEADER_CHARS = 8192;
/** aleph-vm SignedOperationPayload.time_is_current: two minutes either way. */
const MAX_SKEW_MS = 2 * 60 * 1000;
const hex = z
  .string()
  .max(MAX_HEADER_CHARS)
  .regex(/^(0x)?([0-9a-fA-F]{2})*$/);
const signedHeader = z.object({ payload: hex, signature: hex });
const pubKeyPayload = z.object({
  pubkey: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }).loose(),
  address: z.string(),
  expires: z.union([z.string(), z.number()]),
  chain: z.string().optional(),
});
const operationPayload = z.object({
  time: z.string(),
  method: z.enum(['GET', 'POST', 'DELETE']),
  domain: z.string(),
  path: z.string(),
});

export interface Operation {
  method: string;
  path: string;
  domain: string;
}

type OperatorRefusal =
  | 'OPERATOR_AUTH_MISSING'
  | 'OPERATOR_AUTH_MALFORMED'
  | 'OPERATOR_CHAIN_UNSUPPORTED'
  | 'OPERATOR_TOKEN_EXPIRED'
  | 'OPERATOR_SIGNATURE_INVALID'
  | 'OPERATOR_OPERATION_EXPIRED'
  | 'OPERATOR_WRONG_TARGET';

const fromHex = (s: string) => Buffer.from(s.replace(/^0x/, ''), 'hex');

// The status each code answers with (400 malformed, 401 unauthenticated) is the compute node's mapping.
function refuse(code: OperatorRefusal, message: string, details: Record<string, unknown> = {}): never {
  throw AlephError.revive(code, message, {
    hint: "sign the request as aleph's VmClient does (X-SignedPubKey and X-SignedOperation), with the owner's key",
    details,
  });
}

function parseSigned(putative: unknown, header: string): { payload: Buffer; signature: Buffer } {
  const raw =
    typeof putative === 'string' ? (putative.length > MAX_HEADER_CHARS ? null : safeJson(putative)) : putative;
  const r = signedHeader.safeParse(raw);
  if (!r.success) {
    if (putative == null) refuse('OPERATOR_AUTH_MISSING', `missing ${header}`, { header });
    refuse('OPERATOR_AUTH_MALFORMED', `malformed ${header}`, { header });
  }
  return { payload: fromHex(r.data.payload), signature: fromHex(r.data.signature) };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

function payloadOf<S extends z.ZodType>(schema: S, bytes: Buffer, header: string): z.infer<S> {
  const r = schema.safeParse(safeJson(bytes.toString('utf8')));
  if (!r.success) refuse('OPERATOR_AUTH_MALFORMED', `the payload of ${header} is malformed`, { header });
  return r.data;
}

/** A time as aleph writes it (`2026-12-02T01:00:00.123456Z`, or a unix time), in ms; NaN if neither. */
function timeMs(v: string | number): number {
  if (typeof v === 'number' || /^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  // Python's isoformat has microseconds and sometimes no zone (utcnow()): read it as UTC.
  const iso = v.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

/**
 * The wallet address that signed an operator request, or an AlephError: 401 when a signature is forged, expired
 * or names another method, path or domain; 400 when a header is malformed. `ws` requests check the domain only,
 * as aleph-vm's `authenticate_websocket_message` does (the path is the socket's).
 * @example const owner = authenticateOperator(req.headers['x-signedpubkey'], req.headers['x-signedoperation'], { method: 'GET', path, domain });
 */
export function authenticateOperator(
  putativePubKey: unknown,
  putativeOperation: unknown,
  op: Operation & { ws?: boolean },
  now = Date.now(),
): string {
  const pub = parseSigned(putativePubKey, 'X-SignedPubKey');
  const key = payloadOf(pubKeyPayload, pub.payload, 'X-SignedPubKey');
  if ((key.chain ?? 'ETH') !== 'ETH') refuse('OPERATOR_CHAIN_UNSUPPORTED', `chain ${key.chain} is not supported`);
  const expires = timeMs(key.expires);
  if (!(expires > now))
    refuse('OPERATOR_TOKEN_EXPIRED', 'the X-SignedPubKey token has expired', { expires: key.expires });
  let signer: string;
  try {
    signer = recoverPersonalSigner(pub.payload.toString('utf8'), `0x${pub.signature.toString('hex')}`);
  } catch {
    refuse('OPERATOR_SIGNATURE_INVALID', 'the X-SignedPubKey signature does not recover');
  }
  if (signer.toLowerCase() !== key.address.toLowerCase())
    refuse('OPERATOR_SIGNATURE_INVALID', 'X-SignedPubKey is not signed by the address it names');

  const opSigned = parseSigned(putativeOperation, 'X-SignedOperation');
  const operation = payloadOf(operationPayload, opSigned.payload, 'X-SignedOperation');
  let valid = false;
  try {
    const jwk = createPublicKey({ key: key.pubkey as JsonWebKey, format: 'jwk' });
    valid = verify('sha256', opSigned.payload, { key: jwk, dsaEncoding: 'ieee-p1363' }, opSigned.signature);
  } catch {
    valid = false;
  }
  if (!valid)
    refuse('OPERATOR_SIGNATURE_INVALID', 'X-SignedOperation is not signed by the key X-SignedPubKey authorizes');
  const at = timeMs(operation.time);
  if (!(Math.abs(at - now) <= MAX_SKEW_MS))
    refuse('OPERATOR_OPERATION_EXPIRED', 'X-SignedOperation was signed more than 2 minutes away from now', {
      time: operation.time,
    });
  if (operation.domain !== op.domain)
    refuse('OPERATOR_WRONG_TARGET', `signed for domain ${operation.domain}, not ${op.domain}`);
  if (!op.ws && (operation.path !== op.path || operation.method !== op.method)) {
    refuse('OPERATOR_WRONG_TARGET', `signed for ${operation.method} ${operation.path}, not ${op.method} ${op.path}`);
  }
  return toChecksumAddress(key.address);
}
