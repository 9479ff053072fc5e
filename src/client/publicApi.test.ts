import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as client from './index.js';

const DIR = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return n.endsWith('.ts') && !n.endsWith('.test.ts') ? [p] : [];
  });
}

test('every export of src/client carries JSDoc with an @example', () => {
  const missing: string[] = [];
  for (const file of sources(DIR)) {
    const text = readFileSync(file, 'utf8');
    const re = /^export (?:async )?(?:function|const|class|interface|type) (\w+)/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const before = text.slice(0, m.index);
      const doc = before.match(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/);
      if (!doc?.[1].includes('@example')) missing.push(`${file.slice(DIR.length + 1)}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the runtime exports of the SDK are deliberate', () => {
  assert.deepEqual(Object.keys(client).sort(), [
    'AlephClient',
    'AlephError',
    'DEFAULT_API_URL',
    'DEFAULT_CHANNEL',
    'DEFAULT_COMPUTE_URL',
    'DEFAULT_KEY_FILE_RELATIVE',
    'DEFAULT_PROGRAM_RESOURCES',
    'DEFAULT_RUNTIME_ID',
    'REQUEST_ERROR_CODES',
    'UPGRADE_APPROVAL_POST_TYPE',
    'UPGRADE_CANCEL_POST_TYPE',
    'accountFromPrivateKey',
    'approveUpgrade',
    'assertUpdatable',
    'buildAggregate',
    'buildAmend',
    'buildForget',
    'buildPost',
    'buildProgram',
    'buildProgramReplacement',
    'buildStore',
    'buildUrl',
    'createAccount',
    'defaultKeyFilePath',
    'deleteProgram',
    'deployProgram',
    'downloadFile',
    'dryRunProgram',
    'endRollout',
    'errorFromResponse',
    'getAggregate',
    'getAllMessages',
    'getCurrentProgram',
    'getEdition',
    'getHeight',
    'getLiveMessage',
    'getMessage',
    'getMessages',
    'getPosts',
    'getProgram',
    'getProgramHistory',
    'getProgramLogs',
    'getRollout',
    'isAlephError',
    'isRequestErrorCode',
    'listAllPrograms',
    'listComputeNodes',
    'listPrograms',
    'listTree',
    'loadAccount',
    'localChecksum',
    'manifestPolicyOf',
    'multipartBody',
    'normalizePrivateKey',
    'nowSeconds',
    'ofType',
    'parseEnvVars',
    'parseVolumeOptions',
    'parseVolumeSpec',
    'pinProgramRefs',
    'planRollout',
    'prepareCode',
    'programVerdictsOf',
    'publishMessage',
    'readAnswer',
    'readJson',
    'rejection',
    'replaceProgram',
    'replaceProgramCode',
    'request',
    'requireAccount',
    'rollbackProgram',
    'rolloutPlanOf',
    'serializeContent',
    'setProgramPersistence',
    'signMessage',
    'signedOperatorHeaders',
    'storeJson',
    'updateProgramCode',
    'uploadFile',
    'watchMessages',
    'zipDirectory',
  ]);
});
