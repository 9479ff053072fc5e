import type { FunctionDecl, MappingDecl, ProgramInterface, StructDecl } from '../types.js';
import { emptyInterface } from '../types.js';
import { canonicalType } from './validateType.js';

/** Reports a manifest error at a TOML path; the caller turns the path into a line number. */
export type FailAt = (path: string[], message: string) => never;

// `__proto__` would rewrite an object's prototype instead of naming a component.
const IDENT = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]*$/;
const SECTIONS = ['structs', 'records', 'mappings', 'functions', 'transitions', 'async_functions'] as const;
/** Move abilities (Aptos). */
const ABILITIES = ['copy', 'drop', 'store', 'key'];
const FUNCTION_KEYS: Record<string, string[]> = {
  functions: ['inputs', 'outputs', 'source', 'inline'],
  transitions: ['inputs', 'outputs', 'source'],
  async_functions: ['inputs', 'source'],
};

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function table(v: unknown, path: string[], fail: FailAt): Record<string, unknown> {
  if (!isTable(v)) fail(path, `[${path.join('.')}] must be a table`);
  return v;
}

function names(v: unknown, path: string[], fail: FailAt, allowed?: string[]): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !IDENT.test(x)))
    fail(path, `${path.join('.')} must be a list of names`);
  const list = v as string[];
  const bad = allowed && list.find((x) => !allowed.includes(x));
  if (bad) fail(path, `${path.join('.')}: unknown ability "${bad}" (expected ${allowed!.join(', ')})`);
  if (new Set(list).size !== list.length) fail(path, `${path.join('.')} lists a name twice`);
  return [...list];
}

function struct(raw: unknown, path: string[], known: Set<string>, fail: FailAt): StructDecl {
  const decl: StructDecl = { fields: [], abilities: [], type_params: [] };
  const t = table(raw, path, fail);
  // Type parameters first: fields may name them.
  if (Array.isArray(t.type_params)) decl.type_params = names(t.type_params, [...path, 'type_params'], fail);
  const scope = new Set([...known, ...decl.type_params]);
  for (const [name, value] of Object.entries(t)) {
    if ((name === 'abilities' || name === 'type_params') && Array.isArray(value)) {
      if (name === 'abilities') decl.abilities = names(value, [...path, name], fail, ABILITIES);
      continue;
    }
    if (!IDENT.test(name)) fail([...path, name], `"${name}" is not a valid field name`);
    const type = canonicalType(value, scope);
    if (!type) fail([...path, name], `${path.join('.')}.${name}: unknown type ${JSON.stringify(value)}`);
    decl.fields.push({ name, type });
  }
  return decl;
}

function typeList(v: unknown, path: string[], known: Set<string>, fail: FailAt): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(path, `${path.join('.')} must be a list of types`);
  return v.map((x) => canonicalType(x, known) ?? fail(path, `${path.join('.')}: unknown type ${JSON.stringify(x)}`));
}

function fn(section: string, raw: unknown, path: string[], known: Set<string>, fail: FailAt): FunctionDecl {
  const t = table(raw, path, fail);
  const extra = Object.keys(t).find((k) => !FUNCTION_KEYS[section].includes(k));
  if (extra)
    fail([...path, extra], `${path.join('.')}: unknown key "${extra}" (allowed: ${FUNCTION_KEYS[section].join(', ')})`);
  const decl: FunctionDecl = {
    inputs: typeList(t.inputs, [...path, 'inputs'], known, fail),
    outputs: typeList(t.outputs, [...path, 'outputs'], known, fail),
    inline: false,
  };
  if (t.inline !== undefined && typeof t.inline !== 'boolean')
    fail([...path, 'inline'], `${path.join('.')}.inline must be true or false`);
  decl.inline = t.inline === true;
  if (t.source !== undefined) {
    if (typeof t.source !== 'string' || t.source.trim() === '')
      fail([...path, 'source'], `${path.join('.')}.source must be a file path`);
    decl.source = t.source;
  }
  // The logic of a non-inline function is fixed; without a source file there is nothing to pin.
  if (section === 'functions' && !decl.inline && decl.source === undefined)
    fail(path, `function ${path[2]} is not inline, so it needs source = "<file in the code>"`);
  return decl;
}

function mapping(raw: unknown, path: string[], known: Set<string>, fail: FailAt): MappingDecl {
  const t = table(raw, path, fail);
  const extra = Object.keys(t).find((k) => k !== 'key' && k !== 'value');
  if (extra) fail([...path, extra], `${path.join('.')}: unknown key "${extra}" (allowed: key, value)`);
  const key =
    canonicalType(t.key, known) ??
    fail([...path, 'key'], `${path.join('.')}.key: unknown type ${JSON.stringify(t.key)}`);
  const value =
    canonicalType(t.value, known) ??
    fail([...path, 'value'], `${path.join('.')}.value: unknown type ${JSON.stringify(t.value)}`);
  return { key, value };
}

/**
 * Validates the `[interface]` table of program.toml into a {@link ProgramInterface}. Types must be
 * primitives, arrays, or names of structs/records declared in the same manifest.
 *
 * @example
 * parseInterface({ mappings: { m: { key: 'bool', value: '[u8; 32]' } } }, fail).mappings.m; // { key: 'bool', value: '[u8; 32]' }
 */
export function parseInterface(raw: unknown, fail: FailAt): ProgramInterface {
  const out = emptyInterface();
  if (raw === undefined) return out;
  const t = table(raw, ['interface'], fail);
  const extra = Object.keys(t).find((k) => !(SECTIONS as readonly string[]).includes(k));
  if (extra) fail(['interface', extra], `unknown interface section "${extra}" (allowed: ${SECTIONS.join(', ')})`);
  const structs = t.structs === undefined ? {} : table(t.structs, ['interface', 'structs'], fail);
  const records = t.records === undefined ? {} : table(t.records, ['interface', 'records'], fail);
  const known = new Set([...Object.keys(structs), ...Object.keys(records)]);
  for (const section of SECTIONS) {
    const entries = t[section] === undefined ? {} : table(t[section], ['interface', section], fail);
    for (const [name, value] of Object.entries(entries)) {
      const path = ['interface', section, name];
      if (!IDENT.test(name)) fail(path, `"${name}" is not a valid ${section} name`);
      if (section === 'structs' || section === 'records') {
        if (section === 'records' && Object.hasOwn(structs, name))
          fail(path, `"${name}" is declared as both a struct and a record`);
        out[section][name] = struct(value, path, known, fail);
      } else if (section === 'mappings') out.mappings[name] = mapping(value, path, known, fail);
      else out[section][name] = fn(section, value, path, known, fail);
    }
  }
  return out;
}
