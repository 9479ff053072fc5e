import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPolicyError } from '../errors.js';
import type { PolicyErrorCode } from '../errors.js';
import { parseManifest } from './parseManifest.js';

const ADDR = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

const FULL = `name = "vote_example"
upgrade_policy = "compatible"
constructor = '@checksum(mapping="${ADDR}/approved_checksum", key="true")'
imports = ["dep1"]

[interface.structs.Point]
y = "u32"
x = "u32"
abilities = ["copy", "drop"]
[interface.structs.Box]
type_params = ["T"]
item = "T"
[interface.records.Ticket]
owner = "address"
seats = "u8"
[interface.mappings.approved_checksum]
key = "bool"
value = "[u8;32u32]"
[interface.functions.score]
inputs = ["u32", "Point"]
outputs = ["u64"]
source = "lib/score.py"
[interface.functions.clamp]
inputs = ["u32"]
outputs = ["u32"]
inline = true
[interface.transitions.main]
inputs = ["u32", "u32"]
outputs = ["u32"]
[interface.async_functions.finalize_main]
inputs = ["u32"]
`;

function manifestError(text: string, code: PolicyErrorCode = 'MANIFEST_INVALID'): { message: string; line: unknown } {
  try {
    parseManifest(text);
  } catch (e) {
    assert.ok(isPolicyError(e, code), `expected ${code}, got ${String(e)}`);
    return { message: e.message, line: (e.details as { line?: number }).line };
  }
  assert.fail(`expected ${code}`);
}

describe('parseManifest', () => {
  it('parses the DESIGN example with ordered fields, abilities, type params and canonical types', () => {
    const m = parseManifest(FULL);
    assert.equal(m.name, 'vote_example');
    assert.equal(m.constructor.kind, 'checksum');
    assert.deepEqual(m.imports, ['dep1']);
    assert.deepEqual(m.interface.structs.Point, {
      fields: [
        { name: 'y', type: 'u32' },
        { name: 'x', type: 'u32' },
      ],
      abilities: ['copy', 'drop'],
      type_params: [],
    });
    assert.deepEqual(m.interface.structs.Box, {
      fields: [{ name: 'item', type: 'T' }],
      abilities: [],
      type_params: ['T'],
    });
    assert.deepEqual(m.interface.mappings.approved_checksum, { key: 'bool', value: '[u8; 32]' });
    assert.deepEqual(m.interface.functions.score, {
      inputs: ['u32', 'Point'],
      outputs: ['u64'],
      source: 'lib/score.py',
      inline: false,
    });
    assert.equal(m.interface.functions.clamp.inline, true);
    assert.deepEqual(m.interface.async_functions.finalize_main.inputs, ['u32']);
  });

  it('defaults the policy to compatible and the interface to empty', () => {
    const m = parseManifest('constructor = "@noupgrade"');
    assert.equal(m.upgrade_policy, 'compatible');
    assert.deepEqual(m.imports, []);
    assert.deepEqual(m.interface.structs, {});
  });

  it('reports malformed TOML with the line number', () => {
    const e = manifestError('constructor = "@noupgrade"\nimports = [\n  "a",\n  "b" "c"\n]');
    assert.equal(e.line, 4);
    assert.match(e.message, /line 4/);
  });

  it('names an unknown top-level key and its line', () => {
    const e = manifestError('constructor = "@noupgrade"\nversion = "1.0"\n');
    assert.match(e.message, /unknown key "version"/);
    assert.equal(e.line, 2);
  });

  it('refuses a policy that is neither compatible nor immutable', () => {
    assert.match(
      manifestError('upgrade_policy = "arbitrary"\nconstructor = "@noupgrade"').message,
      /upgrade_policy must be/,
    );
  });

  it('requires a constructor', () => {
    manifestError('upgrade_policy = "immutable"', 'CONSTRUCTOR_MISSING');
  });

  it('passes constructor compile errors through, pointing at the manifest line', () => {
    manifestError('constructor = "@frozen"', 'CONSTRUCTOR_UNKNOWN_ANNOTATION');
    const e = manifestError(
      "name = \"x\"\nconstructor = '''\n@custom\nif self.edition > 0u16 {\n    assert(block.height >= 1300);\n}\n'''",
      'CONSTRUCTOR_COMPILE_ERROR',
    );
    assert.equal(e.line, 5);
  });

  it('refuses unknown types and points at the field', () => {
    const e = manifestError('constructor = "@noupgrade"\n[interface.structs.P]\nx = "u32"\ny = "float"\n');
    assert.match(e.message, /unknown type "float"/);
    assert.equal(e.line, 4);
    assert.match(
      manifestError('constructor = "@noupgrade"\n[interface.mappings.m]\nkey = "Missing"\nvalue = "u8"').message,
      /unknown type "Missing"/,
    );
  });

  it('refuses unknown abilities, unknown function keys and unknown interface sections', () => {
    assert.match(
      manifestError('constructor = "@noupgrade"\n[interface.structs.P]\nx = "u8"\nabilities = ["fly"]').message,
      /unknown ability "fly"/,
    );
    assert.match(
      manifestError('constructor = "@noupgrade"\n[interface.transitions.t]\ninputs = []\ninline = true').message,
      /unknown key "inline"/,
    );
    assert.match(
      manifestError('constructor = "@noupgrade"\n[interface.modules.m]\nx = 1').message,
      /unknown interface section "modules"/,
    );
  });

  it('requires a source for non-inline functions but not for inline ones', () => {
    assert.match(
      manifestError('constructor = "@noupgrade"\n[interface.functions.f]\ninputs = ["u8"]').message,
      /needs source/,
    );
    assert.equal(
      parseManifest('constructor = "@noupgrade"\n[interface.functions.f]\ninputs = ["u8"]\ninline = true').interface
        .functions.f.inline,
      true,
    );
  });

  it('refuses duplicate imports', () => {
    assert.match(manifestError('constructor = "@noupgrade"\nimports = ["a", "a"]').message, /twice/);
  });
});
