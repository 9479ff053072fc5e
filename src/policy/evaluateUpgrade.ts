import { computeChecksum } from './checksum/computeChecksum.js';
import { policyError } from './errors.js';
import { diffImports, diffInterface } from './interface/diffInterface.js';
import type { Manifest } from './types.js';
import { candidateManifest, checkDependencies, checkSources } from './upgrade/checkCandidate.js';
import { describeChanges } from './upgrade/describeChanges.js';
import type { UpgradeInput } from './upgrade/inputs.js';
import { constructorContext, runGovernedConstructor } from './upgrade/runGovernedConstructor.js';
import { reject } from './upgrade/verdict.js';
import type { RejectedVerdict, Verdict } from './upgrade/verdict.js';

function assertIsUpgradeInput(input: UpgradeInput): void {
  const bad = (what: string): never => {
    throw policyError('POLICY_INPUT_INVALID', `evaluateUpgrade: ${what}`);
  };
  if (typeof input !== 'object' || input === null) bad('input must be an object');
  if (typeof input.senderAuthorized !== 'boolean') bad('senderAuthorized must be a boolean');
  if (!input.current || !input.candidate || !input.ctx) bad('current, candidate and ctx are required');
  if (!['replace', 'persist', 'amend'].includes(input.cause?.kind)) bad('cause.kind must be replace, persist or amend');
  if (!Number.isInteger(input.current.edition) || input.current.edition < 0)
    bad('current.edition must be a non-negative integer');
  if (
    input.nextEdition !== undefined &&
    (!Number.isInteger(input.nextEdition) || input.nextEdition <= input.current.edition)
  )
    bad('nextEdition must be an integer above current.edition');
  if (typeof input.ctx.programPolicy !== 'function') bad('ctx.programPolicy is required');
}

/** §4 step 2: aleph's own rules, which apply to plain and governed programs alike. */
function alephRules({ cause, current }: UpgradeInput): RejectedVerdict | null {
  if (current.forgotten)
    return reject(
      'PROGRAM_FORGOTTEN',
      'aleph: a forgotten program cannot be upgraded',
      `program ${current.programId} was forgotten`,
    );
  if (cause.kind === 'amend') {
    const follows = current.references.some((r) => r.ref === cause.ref && r.use_latest);
    if (follows) return null;
    return reject(
      'AMEND_NOT_REFERENCED',
      'aleph: an amend reaches a program only through a use_latest: true reference',
      `program ${current.programId} does not follow ${cause.ref} with use_latest`,
      { ref: cause.ref },
    );
  }
  if (cause.replaces !== current.programId) {
    return reject(
      'REPLACE_NOT_ORIGINAL',
      'aleph: only the original PROGRAM message may be replaced',
      `replaces ${cause.replaces} is not the original message ${current.programId}`,
      {
        replaces: cause.replaces,
        original: current.programId,
      },
    );
  }
  if (!current.allow_amend)
    return reject(
      'AMEND_NOT_ALLOWED',
      'aleph: replaces needs allow_amend: true on the edition in force',
      `program ${current.programId} has allow_amend: false`,
    );
  return null;
}

/** §4 step 3 for a governed program: policy strength and the dependency rule. */
function policyRules(input: UpgradeInput, current: Manifest, next: Manifest | null): RejectedVerdict | null {
  if (current.upgrade_policy === 'immutable') {
    // Reported separately from UPGRADE_IMMUTABLE so an attempt to weaken the policy is named as such.
    if (next && next.upgrade_policy === 'compatible') {
      return reject(
        'UPGRADE_WEAKER_POLICY',
        'upgrade policy: a policy can only get stronger (compatible -> immutable)',
        'cannot change upgrade_policy from immutable to compatible',
      );
    }
    return reject(
      'UPGRADE_IMMUTABLE',
      'upgrade policy: an immutable program accepts no upgrade',
      `program ${input.current.programId} is immutable`,
    );
  }
  return next ? checkDependencies(next, input.candidate.references, input.ctx) : null;
}

/** §4 step 5: the Leo table and Move struct rules, first violation wins. */
function interfaceRules(input: UpgradeInput, current: Manifest, next: Manifest): RejectedVerdict | null {
  const violations = [
    ...diffImports(current.imports, next.imports),
    ...diffInterface(current.interface, next.interface, {
      prev: input.current.sourceHashes ?? {},
      next: input.candidate.sourceHashes ?? {},
    }),
  ];
  if (violations.length === 0) return null;
  const [first] = violations;
  return reject(
    first.code,
    `interface: ${first.rule.split(':')[0]}`,
    `${first.component} ${first.name}: ${first.rule}`,
    { component: first.component, name: first.name, violations },
  );
}

/**
 * Judges one upgrade event against DESIGN §4, in order, first failure wins: (1) authorization,
 * (2) aleph rules, (3) upgrade policy and dependencies, (4) the constructor fixed at edition 0,
 * run with the candidate's edition, owner and checksum, (5) interface compatibility. Plain
 * programs get steps 1–2 only. Policy failures come back as a verdict, never as an exception;
 * only malformed input (a programmer error) throws POLICY_INPUT_INVALID.
 *
 * A `@timelock` upgrade that passes everything else and was not announced yet comes back pending
 * with `effectiveHeight`; once {@link timelockDue}, evaluate again with `announcedHeight`.
 *
 * @example
 * const v = evaluateUpgrade({ senderAuthorized: true, cause: { kind: 'replace', replaces: id }, current, candidate, ctx });
 * if (v.accepted) store.applyEdition(v.edition, v.checksum, v.changes);
 * else if (!v.pending) store.recordRefusal(v.error_code, v.details);
 */
export function evaluateUpgrade(input: UpgradeInput): Verdict {
  assertIsUpgradeInput(input);
  const { current, candidate, ctx } = input;
  if (!input.senderAuthorized)
    return reject(
      'NOT_AUTHORIZED',
      'authorization: the sender must be allowed to act for the program owner',
      'the sender may not act for the program owner',
    );
  const aleph = alephRules(input);
  if (aleph) return aleph;

  const parsed = candidateManifest(candidate);
  if (!('manifest' in parsed)) return parsed;
  const next = parsed.manifest;
  const edition = input.nextEdition ?? current.edition + 1;
  const checksum = computeChecksum(candidate.resolved);
  const changes = describeChanges(current, { resolved: candidate.resolved, manifest: next, owner: candidate.owner });
  const accepted: Verdict = { accepted: true, edition, checksum, changes, manifest: next };

  const governed = current.manifest;
  if (!governed) {
    if (next)
      return reject(
        'LEGACY_NOT_UPGRADABLE',
        'upgrade policy: a plain program can never become governed',
        `program ${current.programId} was deployed without program.toml`,
      );
    return accepted;
  }
  const policy = policyRules(input, governed, next);
  if (policy) return policy;
  if (
    !next ||
    next.constructor.avm !== governed.constructor.avm ||
    next.constructor.kind !== governed.constructor.kind
  ) {
    return reject(
      'CONSTRUCTOR_CHANGED',
      'constructor: the constructor is fixed at edition 0 and can never change',
      next
        ? 'the candidate declares a different constructor'
        : 'the candidate has no program.toml, so its constructor is missing',
      {
        expected: governed.constructor.annotation,
        found: next ? next.constructor.annotation : null,
      },
    );
  }
  const sources = checkSources(next, candidate.sourceHashes);
  if (sources) return sources;

  const stored = governed.constructor;
  const pendingDelay =
    stored.kind === 'timelock' && input.announcedHeight === undefined ? Number(stored.params.delay) : 0;
  if (pendingDelay === 0) {
    const announcedHeight = input.announcedHeight ?? ctx.height;
    const failed = runGovernedConstructor(
      stored,
      constructorContext(ctx, {
        edition,
        programOwner: candidate.owner,
        checksum,
        announcedHeight,
        programId: current.programId,
      }),
    );
    if (failed) return failed;
  }
  const incompatible = interfaceRules(input, governed, next);
  if (incompatible) return incompatible;
  if (pendingDelay > 0) {
    const rule = `constructor: @timelock(delay=${pendingDelay}) announces the upgrade now and applies it later`;
    return {
      accepted: false,
      pending: true,
      edition,
      checksum,
      changes,
      announcedHeight: ctx.height,
      effectiveHeight: ctx.height + pendingDelay,
      rule,
    };
  }
  return accepted;
}
