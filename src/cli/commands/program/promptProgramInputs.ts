import { AlephError } from '../../../errors.js';
import { parseEnvVars, parseVolumeSpec, type ProgramVolume } from '../../../client/index.js';
import { ask, askValid, confirm } from '../../prompt.js';

const nonEmpty = (s: string) => (s ? null : 'required');
const absolute = (s: string) => (s.startsWith('/') ? null : 'must be an absolute path, e.g. /opt/data');
const positive = (s: string) => (/^\d+$/.test(s) && Number(s) > 0 ? null : 'must be a positive whole number');
const itemHash = (s: string) => (/^[0-9a-f]{64}$/.test(s) ? null : 'must be the 64-hex item hash of a STORE message');

/**
 * Asks for extra volumes, as aleph-client does when no volume option was given ("Add volume ?").
 * Each answer goes through the same parser as the options, so both paths give identical volumes.
 */
export async function promptVolumes(): Promise<ProgramVolume[]> {
  const volumes: ProgramVolume[] = [];
  while (await confirm('Add volume ?', false)) {
    const kind = await askValid(
      'Volume kind (immutable, ephemeral, persistent) [immutable]: ',
      (s) =>
        ['immutable', 'ephemeral', 'persistent'].includes(s) ? null : 'choose immutable, ephemeral or persistent',
      'immutable',
    );
    const mount = await askValid('Mount path (ex: /opt/data): ', (s) => nonEmpty(s) ?? absolute(s));
    if (kind === 'immutable') {
      const ref = await askValid('Item hash of the STORE: ', itemHash);
      const useLatest = await confirm('Use latest version ?', true);
      volumes.push(parseVolumeSpec('immutable', `mount=${mount},ref=${ref},use_latest=${useLatest}`));
    } else if (kind === 'ephemeral') {
      const size = await askValid('Size (MiB): ', positive);
      volumes.push(parseVolumeSpec('ephemeral', `mount=${mount},size_mib=${size}`));
    } else {
      const name = await askValid('Name: ', nonEmpty);
      const size = await askValid('Size (MiB): ', positive);
      volumes.push(parseVolumeSpec('persistent', `name=${name},mount=${mount},size_mib=${size}`));
    }
  }
  return volumes;
}

/** Asks for environment variables ("KEY=value,KEY=value"), re-asking on a malformed line. */
export async function promptEnvVars(): Promise<Record<string, string> | undefined> {
  if (!(await confirm('Add environment variables ?', false))) return undefined;
  for (;;) {
    const line = await ask('Environment variables (KEY=value,KEY=value; public, no secrets): ');
    try {
      return parseEnvVars(line);
    } catch (e) {
      process.stderr.write(`  ${(e as Error).message}\n`);
    }
  }
}

/** `--beta`: asks for on.message subscriptions as a JSON array (aleph-client's "Subscribe to messages ?"). */
export async function promptSubscriptions(): Promise<Record<string, unknown>[] | undefined> {
  if (!(await confirm('Subscribe to messages ?', false))) return undefined;
  const raw = await ask('Subscriptions as a JSON list (e.g. [{"channel": "TEST"}]): ');
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!Array.isArray(parsed)) throw new Error('not a list');
    return parsed as Record<string, unknown>[];
  } catch (cause) {
    throw new AlephError('OPTION_INVALID_SUBSCRIPTIONS', 'subscriptions must be a JSON list of objects', { cause });
  }
}
