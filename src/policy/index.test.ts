import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as policy from './index.js';

// Changing the public surface must be deliberate: node/ and the CLI integrate against it.
it('exports exactly the public policy API', () => {
  assert.deepEqual(Object.keys(policy).sort(), [
    'CHECKSUM_FORMAT',
    'POLICY_ERROR_CODES',
    'canonicalEditionDocument',
    'canonicalJson',
    'canonicalType',
    'compileConstructor',
    'computeChecksum',
    'describeChanges',
    'diffImports',
    'diffInterface',
    'emptyInterface',
    'evaluateDeployment',
    'evaluateUpgrade',
    'isPendingVerdict',
    'isPolicyError',
    'parseAvm',
    'parseManifest',
    'policyError',
    'runConstructor',
    'timelockDue',
  ]);
});
