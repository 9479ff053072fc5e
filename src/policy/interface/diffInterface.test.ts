import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProgramInterface } from '../types.js';
import { diffImports, diffInterface } from './diffInterface.js';

function base(): ProgramInterface {
  return {
    structs: {
      Point: {
        fields: [
          { name: 'x', type: 'u32' },
          { name: 'y', type: 'u32' },
        ],
        abilities: ['copy'],
        type_params: ['T'],
      },
    },
    records: { Ticket: { fields: [{ name: 'owner', type: 'address' }], abilities: [], type_params: [] } },
    mappings: { votes: { key: 'address', value: 'u64' } },
    functions: {
      score: { inputs: ['u32'], outputs: ['u64'], source: 'lib/score.py', inline: false },
      clamp: { inputs: ['u32'], outputs: ['u32'], source: 'lib/clamp.py', inline: true },
    },
    transitions: { main: { inputs: ['u32'], outputs: ['u32'], source: 'main.py', inline: false } },
    async_functions: { finalize_main: { inputs: ['u32'], outputs: [], inline: false } },
  };
}
const HASHES = { 'lib/score.py': 'aa', 'lib/clamp.py': 'bb', 'main.py': 'cc' };
const diff = (next: ProgramInterface, nextHashes: Record<string, string> = HASHES) =>
  diffInterface(base(), next, { prev: HASHES, next: nextHashes });
const codes = (next: ProgramInterface, nextHashes?: Record<string, string>) =>
  diff(next, nextHashes).map((v) => `${v.code}:${v.component}:${v.name}`);

describe('diffInterface', () => {
  it('accepts an identical interface and additions of every kind', () => {
    assert.deepEqual(diff(base()), []);
    const next = base();
    next.structs.New = { fields: [], abilities: [], type_params: [] };
    next.mappings.extra = { key: 'u8', value: 'u8' };
    next.transitions.other = { inputs: [], outputs: [], inline: false };
    next.structs.Point.abilities = ['copy', 'drop'];
    assert.deepEqual(diff(next), []);
  });

  it('refuses deleting any component', () => {
    const next = base();
    delete next.structs.Point;
    delete next.mappings.votes;
    delete next.transitions.main;
    assert.deepEqual(codes(next), [
      'INTERFACE_REMOVED:struct:Point',
      'INTERFACE_REMOVED:mapping:votes',
      'INTERFACE_REMOVED:transition:main',
    ]);
  });

  it('sees the deletion of a component named like an Object method', () => {
    const prev = base();
    const name: string = 'constructor';
    prev.structs[name] = { fields: [], abilities: [], type_params: [] };
    assert.deepEqual(
      diffInterface(prev, base(), { prev: HASHES, next: HASHES }).map((v) => v.code),
      ['INTERFACE_REMOVED'],
    );
  });

  it('refuses reordering, renaming or retyping struct fields', () => {
    const next = base();
    next.structs.Point.fields.reverse();
    assert.deepEqual(codes(next), ['STRUCT_CHANGED:struct:Point']);
    const retyped = base();
    retyped.records.Ticket.fields[0].type = 'u8';
    assert.deepEqual(codes(retyped), ['RECORD_CHANGED:record:Ticket']);
  });

  it('refuses removing abilities and changing type parameters', () => {
    const next = base();
    next.structs.Point.abilities = [];
    next.structs.Point.type_params = ['T', 'U'];
    assert.deepEqual(codes(next), ['TYPE_PARAMS_CHANGED:struct:Point', 'ABILITY_REMOVED:struct:Point']);
  });

  it('refuses modifying a mapping', () => {
    const next = base();
    next.mappings.votes.value = 'u128';
    const [v] = diff(next);
    assert.equal(v.code, 'MAPPING_CHANGED');
    assert.match(v.rule, /address => u64 became address => u128/);
  });

  it('refuses signature changes on functions, transitions and async functions', () => {
    const next = base();
    next.functions.score.outputs = ['u32'];
    next.transitions.main.inputs = ['u64'];
    next.async_functions.finalize_main.inputs = [];
    assert.deepEqual(codes(next), [
      'SIGNATURE_CHANGED:function:score',
      'SIGNATURE_CHANGED:transition:main',
      'SIGNATURE_CHANGED:async_function:finalize_main',
    ]);
  });

  it('fixes the logic of non-inline functions only', () => {
    assert.deepEqual(codes(base(), { ...HASHES, 'lib/score.py': 'changed' }), ['LOGIC_CHANGED:function:score']);
    // Inline functions and transitions may change their logic.
    assert.deepEqual(codes(base(), { ...HASHES, 'lib/clamp.py': 'changed', 'main.py': 'changed' }), []);
    // Moving the file is not a logic change; the hash is what counts.
    const moved = base();
    moved.functions.score.source = 'src/score.py';
    assert.deepEqual(codes(moved, { ...HASHES, 'src/score.py': 'aa' }), []);
  });

  it('refuses a non-inline function whose source disappeared or that became inline', () => {
    const { 'lib/score.py': _gone, ...rest } = HASHES;
    assert.deepEqual(codes(base(), rest), ['LOGIC_CHANGED:function:score']);
    const inlined = base();
    inlined.functions.score.inline = true;
    assert.deepEqual(codes(inlined), ['LOGIC_CHANGED:function:score']);
  });
});

describe('diffImports', () => {
  it('allows adding imports and refuses removing one', () => {
    assert.deepEqual(diffImports(['a'], ['a', 'b']), []);
    assert.deepEqual(diffImports(['a', 'b'], ['b']), [
      { code: 'IMPORT_REMOVED', component: 'import', name: 'a', rule: 'an import can never be deleted' },
    ]);
  });
});
