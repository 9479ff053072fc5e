import { readFileSync } from 'node:fs';
import { AlephError } from '../errors.js';

/**
 * Parsers for numeric options, named after the option they read so that a person's mistake (`--vcpus 0`,
 * `--api-port 99999`) is a CLI error with its code and a hint, never `UNEXPECTED`.
 *
 * @example
 * new Command('create').option('--vcpus <n>', 'vCPUs', positiveInt('--vcpus'));
 */
export function positiveInt(option: string): (v: string) => number {
  return (v) => {
    if (!/^\d{1,15}$/.test(v) || Number(v) <= 0) {
      throw new AlephError(
        'OPTION_INVALID_NUMBER',
        `${option} must be a positive whole number, not "${v.slice(0, 40)}"`,
        {
          hint: `e.g. ${option} 1`,
          details: { option, value: v.slice(0, 40) },
        },
      );
    }
    return Number(v);
  };
}

/**
 * A positive number (fractions allowed), e.g. seconds.
 *
 * @example
 * new Command('create').option('--timeout-seconds <s>', 'timeout', positiveNumber('--timeout-seconds'), 30);
 */
export function positiveNumber(option: string, unit = ''): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new AlephError(
        'OPTION_INVALID_NUMBER',
        `${option} must be a positive number${unit ? ` (${unit})` : ''}, not "${v.slice(0, 40)}"`,
        {
          hint: `e.g. ${option} 1`,
          details: { option, value: v.slice(0, 40) },
        },
      );
    }
    return n;
  };
}

/**
 * A TCP port: 0 (any free port) to 65535.
 *
 * @example
 * new Command('devnet').option('--api-port <port>', 'port', port('--api-port'), 4024);
 */
export function port(option: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d{1,5}$/.test(v) || n > 65535) {
      throw new AlephError('OPTION_INVALID_PORT', `${option} must be a port from 0 to 65535, not "${v.slice(0, 40)}"`, {
        hint: `pick a free port, e.g. ${option} 4024 (0 lets the system choose)`,
        details: { option, value: v.slice(0, 40) },
      });
    }
    return n;
  };
}

/**
 * Reads the JSON file an option names: a missing file or bad JSON is the person's mistake, with its own code.
 *
 * @example
 * const content = readJsonFile(opts.content, '--content');
 */
export function readJsonFile(path: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AlephError('OPTION_FILE_UNREADABLE', `${option} ${path}: ${(e as Error).message}`, {
      hint: 'check the path',
      details: { option, path, reason: (e as NodeJS.ErrnoException).code ?? 'unreadable' },
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AlephError('OPTION_INVALID_JSON', `${option} ${path} is not JSON: ${(e as Error).message}`, {
      hint: 'the file must hold one JSON value',
      details: { option, path },
    });
  }
}

/**
 * A comma-separated list of 0x addresses (`--compute-allow ADDR[,ADDR…]`, ALEPH_COMPUTE_ALLOW); empty entries dropped.
 *
 * @example
 * new Command('node').option('--compute-allow <addresses>', 'allow-list', addressList('--compute-allow'));
 */
export function addressList(option: string): (v: string) => string[] {
  return (v) => {
    const list = v
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const bad = list.find((a) => !/^0x[0-9a-fA-F]{40}$/.test(a));
    if (bad !== undefined) {
      throw new AlephError('OPTION_INVALID_ADDRESS', `${option}: "${bad.slice(0, 60)}" is not a 0x address`, {
        hint: `e.g. ${option} 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,0x… (\`aleph compute --print-address\` prints one)`,
        details: { option, value: bad.slice(0, 60) },
      });
    }
    return list;
  };
}
