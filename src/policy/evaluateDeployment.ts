import { computeChecksum } from './checksum/computeChecksum.js';
import { policyError } from './errors.js';
import { candidateManifest, checkDependencies, checkSources } from './upgrade/checkCandidate.js';
import type { DeploymentInput } from './upgrade/inputs.js';
import { constructorContext, runGovernedConstructor } from './upgrade/runGovernedConstructor.js';
import { reject } from './upgrade/verdict.js';
import type { Verdict } from './upgrade/verdict.js';

/**
 * Judges a first deployment (edition 0): authorization, manifest validity, source files of
 * non-inline functions, the dependency rule, then the constructor with edition 0 (Leo runs it at
 * deployment too, so e.g. `@admin` refuses a deployment by anyone but the admin). A plain program
 * (no manifest) only needs authorization.
 *
 * @example
 * const v = evaluateDeployment({ senderAuthorized: true, candidate, ctx });
 * if (v.accepted) store.createProgram(v.checksum, v.manifest);
 */
export function evaluateDeployment(input: DeploymentInput): Verdict {
  if (typeof input?.senderAuthorized !== 'boolean' || !input.candidate || !input.ctx) {
    throw policyError('POLICY_INPUT_INVALID', 'evaluateDeployment: senderAuthorized, candidate and ctx are required');
  }
  const { candidate, ctx } = input;
  if (!input.senderAuthorized)
    return reject(
      'NOT_AUTHORIZED',
      'authorization: the sender must be allowed to act for the program owner',
      'the sender may not act for the program owner',
    );
  const parsed = candidateManifest(candidate);
  if (!('manifest' in parsed)) return parsed;
  const manifest = parsed.manifest;
  const checksum = computeChecksum(candidate.resolved);
  const accepted: Verdict = { accepted: true, edition: 0, checksum, changes: ['created'], manifest };
  if (!manifest) return accepted;
  const refusal =
    checkSources(manifest, candidate.sourceHashes) ??
    checkDependencies(manifest, candidate.references, ctx) ??
    runGovernedConstructor(
      manifest.constructor,
      constructorContext(ctx, { edition: 0, programOwner: candidate.owner, checksum }),
    );
  return refusal ?? accepted;
}
