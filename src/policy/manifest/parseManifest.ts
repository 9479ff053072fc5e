import { parse, TomlError } from 'smol-toml';
import { AlephError } from '../../errors.js';
import { compileConstructor } from '../constructor/compileAnnotation.js';
import { policyError } from '../errors.js';
import type { Manifest } from '../types.js';
import { locateLine } from './locateLine.js';
import { parseInterface } from './parseInterface.js';

const TOP_LEVEL = ['name', 'upgrade_policy', 'constructor', 'imports', 'interface'];

function invalid(text: string, path: string[], message: string): never {
  const line = locateLine(text, path);
  const where = line === undefined ? '' : `line ${line}: `;
  throw policyError(
    'MANIFEST_INVALID',
    `program.toml ${where}${message}`,
    line === undefined ? { key: path.join('.') } : { key: path.join('.'), line },
  );
}

/** Compiles the constructor, re-pointing compile errors at program.toml lines. */
function constructorOf(text: string, source: unknown): Manifest['constructor'] {
  if (source === undefined)
    throw policyError(
      'CONSTRUCTOR_MISSING',
      'program.toml declares no constructor; a governed program must have one (e.g. constructor = "@noupgrade")',
    );
  if (typeof source !== 'string') invalid(text, ['constructor'], 'constructor must be a string such as "@noupgrade"');
  try {
    return compileConstructor(source);
  } catch (e) {
    if (!(e instanceof AlephError)) throw e;
    const keyLine = locateLine(text, ['constructor']);
    if (keyLine === undefined) throw e;
    // A multi-line string that opens with ''' on the key's line starts its content on the next line.
    const opensAlone = /=\s*('''|""")\s*$/.test(text.split('\n')[keyLine - 1] ?? '');
    const inner = typeof e.details.line === 'number' ? e.details.line : 1;
    const line = keyLine + inner - (opensAlone ? 0 : 1);
    throw new AlephError(e.code, `program.toml line ${line}: ${e.message}`, {
      hint: e.hint,
      details: { ...e.details, line, constructor_line: inner },
      cause: e,
    });
  }
}

/**
 * Parses and validates program.toml (DESIGN §4). Errors: MANIFEST_INVALID (syntax, unknown keys,
 * bad types; `details.line` and the message carry the line), CONSTRUCTOR_MISSING, and the
 * constructor's own compile errors (CONSTRUCTOR_UNKNOWN_ANNOTATION, CONSTRUCTOR_COMPILE_ERROR).
 *
 * @example
 * const m = parseManifest('upgrade_policy = "immutable"\nconstructor = "@noupgrade"\n');
 * m.upgrade_policy; // 'immutable'
 * m.constructor.avm; // 'constructor:\n    assert.eq edition 0u16;'
 */
export function parseManifest(tomlText: string): Manifest {
  if (typeof tomlText !== 'string') throw policyError('MANIFEST_INVALID', 'program.toml must be text');
  let raw: Record<string, unknown>;
  try {
    raw = parse(tomlText) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const reason = e.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    throw policyError('MANIFEST_INVALID', `program.toml line ${e.line}: ${reason}`, { line: e.line, column: e.column });
  }
  const unknown = Object.keys(raw).find((k) => !TOP_LEVEL.includes(k));
  if (unknown) invalid(tomlText, [unknown], `unknown key "${unknown}" (allowed: ${TOP_LEVEL.join(', ')})`);

  const manifest: Manifest = {
    upgrade_policy: 'compatible',
    constructor: undefined as never,
    imports: [],
    interface: undefined as never,
  };
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || raw.name.trim() === '')
      invalid(tomlText, ['name'], 'name must be a non-empty string');
    manifest.name = raw.name;
  }
  if (raw.upgrade_policy !== undefined) {
    if (raw.upgrade_policy !== 'compatible' && raw.upgrade_policy !== 'immutable') {
      invalid(
        tomlText,
        ['upgrade_policy'],
        `upgrade_policy must be "compatible" or "immutable", not ${JSON.stringify(raw.upgrade_policy)}`,
      );
    }
    manifest.upgrade_policy = raw.upgrade_policy;
  }
  if (raw.imports !== undefined) {
    const ok = Array.isArray(raw.imports) && raw.imports.every((x) => typeof x === 'string' && /^\S+$/.test(x));
    if (!ok) invalid(tomlText, ['imports'], 'imports must be a list of program ids');
    const imports = raw.imports as string[];
    if (new Set(imports).size !== imports.length) invalid(tomlText, ['imports'], 'imports lists a program twice');
    manifest.imports = [...imports];
  }
  manifest.constructor = constructorOf(tomlText, Object.hasOwn(raw, 'constructor') ? raw.constructor : undefined);
  manifest.interface = parseInterface(raw.interface, (path, message) => invalid(tomlText, path, message));
  return manifest;
}
