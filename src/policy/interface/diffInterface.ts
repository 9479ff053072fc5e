import type { FunctionDecl, ProgramInterface, StructDecl } from '../types.js';

/** A program component as the Leo upgrade table names it. */
export type InterfaceComponent =
  | 'import'
  | 'struct'
  | 'record'
  | 'mapping'
  | 'function'
  | 'transition'
  | 'async_function';

/** One broken compatibility rule: which component, which name, which rule, under which code. */
export interface InterfaceViolation {
  code:
    | 'INTERFACE_REMOVED'
    | 'SIGNATURE_CHANGED'
    | 'LOGIC_CHANGED'
    | 'STRUCT_CHANGED'
    | 'RECORD_CHANGED'
    | 'MAPPING_CHANGED'
    | 'IMPORT_REMOVED'
    | 'ABILITY_REMOVED'
    | 'TYPE_PARAMS_CHANGED';
  component: InterfaceComponent;
  name: string;
  rule: string;
}

const sorted = (o: Record<string, unknown>) => Object.keys(o).sort();
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const fieldsText = (s: StructDecl) => s.fields.map((f) => `${f.name}: ${f.type}`).join(', ');

function diffStructs(
  kind: 'struct' | 'record',
  prev: Record<string, StructDecl>,
  next: Record<string, StructDecl>,
): InterfaceViolation[] {
  const out: InterfaceViolation[] = [];
  const changed = kind === 'struct' ? 'STRUCT_CHANGED' : 'RECORD_CHANGED';
  for (const name of sorted(prev)) {
    const a = prev[name];
    const b = Object.hasOwn(next, name) ? next[name] : undefined;
    if (!b) {
      out.push({ code: 'INTERFACE_REMOVED', component: kind, name, rule: `a ${kind} can never be deleted` });
      continue;
    }
    // Move: fields identical in order, names and types; Leo: never modified.
    const sameFields =
      a.fields.length === b.fields.length &&
      a.fields.every((f, i) => f.name === b.fields[i].name && f.type === b.fields[i].type);
    if (!sameFields)
      out.push({
        code: changed,
        component: kind,
        name,
        rule: `${kind} fields must stay identical in order, names and types: {${fieldsText(a)}} became {${fieldsText(b)}}`,
      });
    if (!sameList(a.type_params, b.type_params)) {
      out.push({
        code: 'TYPE_PARAMS_CHANGED',
        component: kind,
        name,
        rule: `type parameters must stay equal: <${a.type_params.join(', ')}> became <${b.type_params.join(', ')}>`,
      });
    }
    const removed = a.abilities.filter((x) => !b.abilities.includes(x));
    if (removed.length > 0)
      out.push({
        code: 'ABILITY_REMOVED',
        component: kind,
        name,
        rule: `abilities may be added, never removed: lost ${removed.join(', ')}`,
      });
  }
  return out;
}

function diffFunctions(
  component: 'function' | 'transition' | 'async_function',
  prev: Record<string, FunctionDecl>,
  next: Record<string, FunctionDecl>,
  hashes: { prev: Record<string, string>; next: Record<string, string> },
): InterfaceViolation[] {
  const out: InterfaceViolation[] = [];
  for (const name of sorted(prev)) {
    const a = prev[name];
    const b = Object.hasOwn(next, name) ? next[name] : undefined;
    if (!b) {
      out.push({
        code: 'INTERFACE_REMOVED',
        component,
        name,
        rule: `a ${component.replace('_', ' ')} can never be deleted`,
      });
      continue;
    }
    if (!sameList(a.inputs, b.inputs) || !sameList(a.outputs, b.outputs)) {
      const sig = (f: FunctionDecl) => `(${f.inputs.join(', ')}) -> (${f.outputs.join(', ')})`;
      out.push({
        code: 'SIGNATURE_CHANGED',
        component,
        name,
        rule: `the signature can never change: ${sig(a)} became ${sig(b)}`,
      });
    }
    // Only non-inline functions have fixed logic; transitions and async functions may change theirs.
    if (component !== 'function' || a.inline) continue;
    if (b.inline) {
      out.push({
        code: 'LOGIC_CHANGED',
        component,
        name,
        rule: 'a non-inline function cannot become inline (its logic is fixed)',
      });
      continue;
    }
    const before = a.source === undefined ? undefined : hashes.prev[a.source];
    const after = b.source === undefined ? undefined : hashes.next[b.source];
    if (after === undefined)
      out.push({
        code: 'LOGIC_CHANGED',
        component,
        name,
        rule: `the logic of a non-inline function is fixed, and its source ${b.source ?? '(none)'} is missing`,
      });
    else if (before !== after)
      out.push({
        code: 'LOGIC_CHANGED',
        component,
        name,
        rule: `the logic of a non-inline function can never change (${b.source} differs)`,
      });
  }
  return out;
}

/**
 * Compares two declared interfaces by the Leo upgrade table plus Move struct rules. Returns every
 * violation in a stable order (structs, records, mappings, functions, transitions, async functions;
 * names sorted), so "first failure wins" is deterministic. `sourceHashes` map each edition's code
 * file paths to their sha256; they decide whether a non-inline function's logic changed.
 *
 * @example
 * diffInterface(prev, { ...prev, mappings: {} }, { prev: {}, next: {} });
 * // [{ code: 'INTERFACE_REMOVED', component: 'mapping', name: 'approved_checksum', rule: 'a mapping can never be deleted' }]
 */
export function diffInterface(
  prev: ProgramInterface,
  next: ProgramInterface,
  sourceHashes: { prev: Record<string, string>; next: Record<string, string> },
): InterfaceViolation[] {
  const out = [
    ...diffStructs('struct', prev.structs, next.structs),
    ...diffStructs('record', prev.records, next.records),
  ];
  for (const name of sorted(prev.mappings)) {
    const a = prev.mappings[name];
    const b = Object.hasOwn(next.mappings, name) ? next.mappings[name] : undefined;
    if (!b) out.push({ code: 'INTERFACE_REMOVED', component: 'mapping', name, rule: 'a mapping can never be deleted' });
    else if (a.key !== b.key || a.value !== b.value) {
      out.push({
        code: 'MAPPING_CHANGED',
        component: 'mapping',
        name,
        rule: `a mapping can never be modified: ${a.key} => ${a.value} became ${b.key} => ${b.value}`,
      });
    }
  }
  out.push(...diffFunctions('function', prev.functions, next.functions, sourceHashes));
  out.push(...diffFunctions('transition', prev.transitions, next.transitions, sourceHashes));
  out.push(...diffFunctions('async_function', prev.async_functions, next.async_functions, sourceHashes));
  return out;
}

/**
 * Imports may be added, never removed (Leo table).
 *
 * @example
 * diffImports(['a', 'b'], ['b', 'c']); // [{ code: 'IMPORT_REMOVED', component: 'import', name: 'a', rule: … }]
 */
export function diffImports(prev: string[], next: string[]): InterfaceViolation[] {
  return prev
    .filter((id) => !next.includes(id))
    .map((name) => ({
      code: 'IMPORT_REMOVED' as const,
      component: 'import' as const,
      name,
      rule: 'an import can never be deleted',
    }));
}
