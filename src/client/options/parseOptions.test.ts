import { test } from 'node:test';
import assert from 'node:assert/strict';
import { programContent } from '../../protocol/index.js';
import { buildProgram } from '../messages/buildProgram.js';
import { parseEnvVars } from './parseEnvVars.js';
import { parseVolumeOptions, parseVolumeSpec } from './parseVolumeSpec.js';

const REF = 'cd'.repeat(32);

test('volume options parse to the volumes the node schema accepts', () => {
  const volumes = parseVolumeOptions({
    immutable: [`mount=/opt/packages,ref=${REF}`, `mount=/opt/pinned,ref=${REF},use_latest=false`],
    ephemeral: ['mount=/opt/tmp,size_mib=100'],
    persistent: ['name=data,mount=/opt/data,size_mib=1000'],
  });
  assert.deepEqual(volumes, [
    { mount: '/opt/packages', ref: REF, use_latest: true },
    { mount: '/opt/pinned', ref: REF, use_latest: false },
    { mount: '/opt/tmp', ephemeral: true, size_mib: 100 },
    { name: 'data', mount: '/opt/data', size_mib: 1000, persistence: 'host' },
  ]);
  const content = buildProgram({
    sender: '0x' + '1'.repeat(40),
    codeRef: REF,
    entrypoint: 'main:app',
    volumes,
  }).content;
  assert.equal(programContent.safeParse(content).success, true);
});

test('bad volume options name the problem and show an example', () => {
  assert.throws(() => parseVolumeSpec('ephemeral', 'mount=/x'), {
    code: 'OPTION_INVALID_VOLUME',
    message: /missing size_mib/,
  });
  assert.throws(() => parseVolumeSpec('persistent', 'name=d,mount=/x,size_mib=ten'), {
    message: /positive whole number/,
  });
  assert.throws(() => parseVolumeSpec('immutable', 'mount=/x,ref=abc'), { message: /64-hex/ });
  assert.throws(() => parseVolumeSpec('immutable', `mount=x,ref=${REF}`), { message: /absolute/ });
  assert.throws(() => parseVolumeSpec('ephemeral', 'mount=/x,size_mib=1,colour=red'), {
    message: /unknown key "colour"/,
  });
  assert.throws(
    () => parseVolumeSpec('ephemeral', 'garbage'),
    (e: Error & { hint: string }) => e.hint.includes('mount=/opt/tmp,size_mib=100'),
  );
});

test('env vars parse KEY=value lists, keeping = inside values', () => {
  assert.deepEqual(parseEnvVars('A=1,B_2=x=y, C='), { A: '1', B_2: 'x=y', C: '' });
  assert.throws(() => parseEnvVars('A=1,nokey'), { code: 'OPTION_INVALID_ENV_VARS' });
  assert.throws(() => parseEnvVars('1A=x'), { code: 'OPTION_INVALID_ENV_VARS' });
});
