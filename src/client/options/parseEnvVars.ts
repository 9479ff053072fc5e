import { AlephError } from '../../errors.js';

/**
 * Parses `--env-vars KEY=value,KEY=value` (aleph-client's format) into PROGRAM `variables`. Values may
 * contain `=`; names must be valid environment variable names. Variables are public: they travel in
 * the message.
 * @example
 * parseEnvVars('DEBUG=1,URL=http://x/?a=b'); // { DEBUG: '1', URL: 'http://x/?a=b' }
 */
export function parseEnvVars(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new AlephError('OPTION_INVALID_ENV_VARS', `--env-vars: "${part}" is not NAME=value`, {
        hint: 'use --env-vars KEY=value or KEY=value,KEY=value (names: letters, digits, _)',
        details: { part },
      });
    }
    out[key] = part.slice(eq + 1);
  }
  return out;
}
