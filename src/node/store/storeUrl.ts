import { AlephError } from '../../errors.js';

/** Where a node's store of record lives: an embedded SQLite file, or a PostgreSQL database. */
export type StoreLocation = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/**
 * Reads `--store` / `ALEPH_STORE_URL`: `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:PATH` or a bare
 * path is SQLite. Anything else with a scheme is refused rather than taken for a file name.
 */
export function parseStoreLocation(location: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    try {
      new URL(location);
    } catch {
      throw invalid(location, 'not a valid URL');
    }
    return { dialect: 'postgres', url: location };
  }
  if (location.startsWith('sqlite:'))
    return { dialect: 'sqlite', path: location.slice('sqlite:'.length).replace(/^\/\//, '') };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) throw invalid(location, 'an unknown scheme');
  if (!location) throw invalid(location, 'empty');
  return { dialect: 'sqlite', path: location };
}

/** The location without its password, for messages and logs. */
export function redactStore(location: string): string {
  try {
    const u = new URL(location);
    if (!u.password) return location;
    u.password = '***';
    return u.toString();
  } catch {
    return location;
  }
}

function invalid(location: string, why: string): AlephError {
  return new AlephError('STORE_URL_INVALID', `the store ${redactStore(location)} is ${why}`, {
    hint: 'give postgres://user:password@host:port/database, sqlite:PATH, or a file path',
    details: { store: redactStore(location) },
  });
}
