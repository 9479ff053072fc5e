import { policyError } from '../errors.js';
import type { CompiledConstructor, ConstructorKind } from '../types.js';
import { generateCustom } from './generateCustom.js';
import { isBlank, parseAnnotation } from './parseAnnotation.js';
import type { AnnotationArg } from './parseAnnotation.js';
import { parseCustom } from './parseCustom.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const MAPPING = /^0x[0-9a-fA-F]{40}\/[A-Za-z0-9_.-]+$/;
const KEY = /^[A-Za-z0-9_.-]+$/;
const U32_MAX = 0xffffffff;

/** Which arguments each annotation takes; anything else is a compile error. */
const ARGS: Record<ConstructorKind, string[]> = {
  noupgrade: [],
  admin: ['address'],
  checksum: ['mapping', 'key'],
  custom: [],
  multisig: ['threshold', 'signers'],
  timelock: ['delay'],
};

function fail(message: string): never {
  throw policyError('CONSTRUCTOR_COMPILE_ERROR', message);
}

function stringArg(kind: string, args: Record<string, AnnotationArg>, name: string): string {
  const v = args[name];
  // Leo's wording for an absent argument, e.g. "@admin: missing address".
  if (v === undefined) fail(`@${kind}: missing ${name}`);
  if (typeof v !== 'string') fail(`@${kind}: ${name} must be a string`);
  return v;
}

function intArg(kind: string, args: Record<string, AnnotationArg>, name: string, min: number, max: number): number {
  const v = args[name];
  if (v === undefined) fail(`@${kind}: missing ${name}`);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    fail(`@${kind}: ${name} must be an integer from ${min} to ${max}`);
  return v;
}

function admin(args: Record<string, AnnotationArg>): Pick<CompiledConstructor, 'avm' | 'params'> {
  const address = stringArg('admin', args, 'address');
  if (!ADDRESS.test(address)) fail(`@admin: "${address}" is not an address (0x followed by 40 hex digits)`);
  return { avm: `constructor:\n    assert.eq program_owner ${address};`, params: { address } };
}

function checksum(args: Record<string, AnnotationArg>): Pick<CompiledConstructor, 'avm' | 'params'> {
  const mapping = stringArg('checksum', args, 'mapping');
  const key = stringArg('checksum', args, 'key');
  if (!MAPPING.test(mapping))
    fail(`@checksum: malformed mapping "${mapping}"; expected "<0x address>/<aggregate key>"`);
  if (!KEY.test(key) || /^r\d+$/.test(key))
    fail(`@checksum: malformed key "${key}"; use letters, digits, "_", "-" or "."`);
  const avm = [
    'constructor:',
    '    branch.eq edition 0u16 to end;',
    `    get ${mapping}[${key}] into r0;`,
    '    assert.eq checksum r0;',
    '    position end;',
  ];
  return { avm: avm.join('\n'), params: { mapping, key } };
}

/**
 * `@multisig` (ours): from edition 1 on, count distinct listed signers that approved the
 * candidate checksum and require at least `threshold` of them.
 */
function multisig(args: Record<string, AnnotationArg>): Pick<CompiledConstructor, 'avm' | 'params'> {
  const signers = args.signers;
  if (signers === undefined) fail('@multisig: missing signers');
  if (!Array.isArray(signers) || signers.length === 0 || signers.length > 255)
    fail('@multisig: signers must be a list of 1 to 255 addresses');
  const seen = new Set<string>();
  for (const s of signers) {
    if (!ADDRESS.test(s)) fail(`@multisig: "${s}" is not an address (0x followed by 40 hex digits)`);
    if (seen.has(s.toLowerCase())) fail(`@multisig: signer ${s} is listed twice`);
    seen.add(s.toLowerCase());
  }
  const threshold = intArg('multisig', args, 'threshold', 1, signers.length);
  const avm = [
    'constructor:',
    '    branch.eq edition 0u16 to end;',
    `    approvals checksum [${signers.join(', ')}] into r0;`,
    `    gte r0 ${threshold}u8 into r1;`,
    '    assert.eq r1 true;',
    '    position end;',
  ];
  return { avm: avm.join('\n'), params: { threshold, signers: [...signers] } };
}

/**
 * `@timelock` (ours): from edition 1 on, the candidate may take effect only `delay` heights after
 * it was announced (`announcement.height`).
 */
function timelock(args: Record<string, AnnotationArg>): Pick<CompiledConstructor, 'avm' | 'params'> {
  const delay = intArg('timelock', args, 'delay', 0, U32_MAX);
  const avm = [
    'constructor:',
    '    branch.eq edition 0u16 to end;',
    `    add announcement.height ${delay}u32 into r0;`,
    '    gte block.height r0 into r1;',
    '    assert.eq r1 true;',
    '    position end;',
  ];
  return { avm: avm.join('\n'), params: { delay } };
}

/**
 * Compiles a constructor annotation to the AVM code that is stored and run, exactly as Leo prints
 * it for `@noupgrade`, `@admin`, `@checksum` and `@custom`. Errors: CONSTRUCTOR_MISSING (empty),
 * CONSTRUCTOR_UNKNOWN_ANNOTATION, CONSTRUCTOR_COMPILE_ERROR (bad arguments, a body on a
 * non-custom annotation, an empty `@custom`, or a body that does not compile).
 *
 * @example
 * compileConstructor('@noupgrade').avm; // 'constructor:\n    assert.eq edition 0u16;'
 * compileConstructor('@timelock(delay=100)').params; // { delay: 100 }
 */
export function compileConstructor(source: string): CompiledConstructor {
  const parsed = parseAnnotation(source);
  const kind = parsed.name as ConstructorKind;
  if (!Object.hasOwn(ARGS, kind)) {
    throw policyError('CONSTRUCTOR_UNKNOWN_ANNOTATION', `unknown constructor annotation @${parsed.name}`, {
      annotation: parsed.name,
    });
  }
  for (const name of Object.keys(parsed.args)) {
    if (!ARGS[kind].includes(name)) fail(`@${kind}: unknown argument "${name}"`);
  }
  const blank = isBlank(parsed.body);
  if (kind !== 'custom' && !blank) fail(`@${kind} takes no body; only @custom has constructor logic`);
  const annotation = source.trim();
  switch (kind) {
    case 'noupgrade':
      return { annotation, kind, avm: 'constructor:\n    assert.eq edition 0u16;', params: {} };
    case 'admin':
      return { annotation, kind, ...admin(parsed.args) };
    case 'checksum':
      return { annotation, kind, ...checksum(parsed.args) };
    case 'multisig':
      return { annotation, kind, ...multisig(parsed.args) };
    case 'timelock':
      return { annotation, kind, ...timelock(parsed.args) };
    case 'custom': {
      if (blank) fail('@custom needs a body with the constructor logic');
      const statements = parseCustom(parsed.body, parsed.bodyLine);
      if (statements.length === 0) fail('@custom needs a body with the constructor logic');
      return { annotation, kind, avm: generateCustom(statements), params: {} };
    }
  }
}
