import { AlephError } from '../../errors.js';
import type { PolicyErrorCode } from '../errors.js';
import { parseManifest } from '../manifest/parseManifest.js';
import type { Manifest } from '../types.js';
import type { CandidateEdition, PolicyContext, ReferenceUse } from './inputs.js';
import { reject } from './verdict.js';
import type { RejectedVerdict } from './verdict.js';

/**
 * Parses the candidate's program.toml when it came as text. A malformed manifest is a refusal of
 * this candidate (with the parser's code), not a crash of the caller.
 *
 * @example
 * const r = candidateManifest({ ...candidate, manifest: 'constructor = "@noupgrade"' });
 * if ('manifest' in r) r.manifest?.constructor.kind; // 'noupgrade'
 */
export function candidateManifest(candidate: CandidateEdition): { manifest: Manifest | null } | RejectedVerdict {
  if (typeof candidate.manifest !== 'string') return { manifest: candidate.manifest ?? null };
  try {
    return { manifest: parseManifest(candidate.manifest) };
  } catch (e) {
    if (!(e instanceof AlephError)) throw e;
    return reject(e.code as PolicyErrorCode, 'manifest: program.toml must be valid', e.message, e.details);
  }
}

/**
 * Every non-inline function must name a source file that exists in the candidate's code, because
 * that file's hash is the logic later upgrades may not change.
 *
 * @example
 * checkSources(manifest, { 'lib/score.py': 'ab…' }); // null when every source is present
 */
export function checkSources(
  manifest: Manifest,
  sourceHashes: Record<string, string> | undefined,
): RejectedVerdict | null {
  for (const name of Object.keys(manifest.interface.functions).sort()) {
    const f = manifest.interface.functions[name];
    if (f.inline || f.source === undefined) continue;
    if (sourceHashes?.[f.source] === undefined) {
      return reject(
        'FUNCTION_SOURCE_MISSING',
        'interface: a non-inline function needs its source file in the code',
        `function ${name}: source ${f.source} is not in the code`,
        {
          function: name,
          source: f.source,
        },
      );
    }
  }
  return null;
}

function describeRef(r: ReferenceUse): string {
  return r.target === 'volume' ? `volume ${r.mount ?? r.ref}` : r.target;
}

/**
 * Aptos dependency rule, extended to aleph references: an immutable program may not follow any
 * code, runtime or volume reference with `use_latest`, nor import a program that is not immutable.
 * A `compatible` program may depend on anything (dependencies are then at least as strong).
 *
 * @example
 * checkDependencies(immutableManifest, [{ target: 'volume', ref: 'abc', use_latest: true, mount: '/data' }], ctx);
 * // { accepted: false, error_code: 'DEP_WEAKER_POLICY', … }
 */
export function checkDependencies(
  manifest: Manifest,
  references: ReferenceUse[],
  ctx: PolicyContext,
): RejectedVerdict | null {
  if (manifest.upgrade_policy !== 'immutable') return null;
  const rule = 'dependency rule: an immutable program depends only on immutable things';
  const latest = references.find((r) => r.use_latest);
  if (latest) {
    return reject(
      'DEP_WEAKER_POLICY',
      rule,
      `an immutable program cannot follow ${describeRef(latest)} with use_latest: true (ref ${latest.ref})`,
      {
        dependency: latest.ref,
        target: latest.target,
        ...(latest.mount === undefined ? {} : { mount: latest.mount }),
      },
    );
  }
  for (const id of manifest.imports) {
    const policy = ctx.programPolicy(id);
    if (policy !== 'immutable') {
      return reject(
        'DEP_WEAKER_POLICY',
        rule,
        `an immutable program cannot import ${id}, whose policy is ${policy ?? 'not immutable (plain program)'}`,
        {
          dependency: id,
          target: 'import',
          dependency_policy: policy,
        },
      );
    }
  }
  return null;
}
