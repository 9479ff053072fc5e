import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../../client/accounts/account.js';
import { signedOperatorHeaders } from '../../client/actions/programLogs.js';
import { isAlephError } from '../../errors.js';
import { computeStatusOf } from '../errorStatus.js';
import { authenticateOperator } from './operatorAuth.js';

const owner = accountFromPrivateKey(generatePrivateKey());
const mallory = accountFromPrivateKey(generatePrivateKey());
const op = { domain: '127.0.0.1', method: 'GET', path: `/control/machine/${'ab'.repeat(32)}/logs` };

const refusal = (f: () => unknown): { code: string; status: number } => {
  try {
    f();
  } catch (e) {
    if (isAlephError(e)) return { code: e.code, status: computeStatusOf(e) };
    throw e;
  }
  assert.fail('expected a refusal');
};

describe('aleph-vm operator authentication (X-SignedPubKey, X-SignedOperation)', () => {
  it("accepts the headers aleph's VmClient signs and returns the wallet address", async () => {
    const h = await signedOperatorHeaders(owner, op);
    assert.equal(authenticateOperator(h['X-SignedPubKey'], h['X-SignedOperation'], op), owner.address);
  });

  it('refuses a forged pubkey (signed by another wallet, naming the owner), a swapped operation key, and missing headers', async () => {
    const real = await signedOperatorHeaders(owner, op);
    const forged = await signedOperatorHeaders(mallory, op);
    const claim = JSON.parse(forged['X-SignedPubKey']) as { payload: string; signature: string };
    const payload = JSON.parse(Buffer.from(claim.payload, 'hex').toString('utf8')) as Record<string, unknown>;
    const lying = JSON.stringify({
      ...claim,
      payload: Buffer.from(JSON.stringify({ ...payload, address: owner.address })).toString('hex'),
    });
    assert.deepEqual(
      refusal(() => authenticateOperator(lying, forged['X-SignedOperation'], op)),
      { code: 'OPERATOR_SIGNATURE_INVALID', status: 401 },
    );
    // The owner's authorization of one key, with an operation signed by another key.
    assert.deepEqual(
      refusal(() => authenticateOperator(real['X-SignedPubKey'], forged['X-SignedOperation'], op)),
      { code: 'OPERATOR_SIGNATURE_INVALID', status: 401 },
    );
    assert.deepEqual(
      refusal(() => authenticateOperator(undefined, undefined, op)),
      { code: 'OPERATOR_AUTH_MISSING', status: 401 },
    );
    assert.deepEqual(
      refusal(() => authenticateOperator('{not json', real['X-SignedOperation'], op)),
      { code: 'OPERATOR_AUTH_MALFORMED', status: 400 },
    );
  });

  it('refuses an expired operation or token, and one signed for another path, method or domain', async () => {
    const old = await signedOperatorHeaders(owner, { ...op, now: new Date(Date.now() - 5 * 60 * 1000) });
    assert.deepEqual(
      refusal(() => authenticateOperator(old['X-SignedPubKey'], old['X-SignedOperation'], op)),
      { code: 'OPERATOR_OPERATION_EXPIRED', status: 401 },
    );
    const stale = await signedOperatorHeaders(owner, { ...op, now: new Date(Date.now() - 25 * 3600 * 1000) });
    assert.deepEqual(
      refusal(() => authenticateOperator(stale['X-SignedPubKey'], stale['X-SignedOperation'], op)),
      { code: 'OPERATOR_TOKEN_EXPIRED', status: 401 },
    );
    const h = await signedOperatorHeaders(owner, op);
    for (const other of [
      { ...op, path: `/control/machine/${'cd'.repeat(32)}/logs` },
      { ...op, method: 'POST' },
      { ...op, domain: 'crn.example' },
    ]) {
      assert.deepEqual(
        refusal(() => authenticateOperator(h['X-SignedPubKey'], h['X-SignedOperation'], other)),
        { code: 'OPERATOR_WRONG_TARGET', status: 401 },
      );
    }
  });
});
