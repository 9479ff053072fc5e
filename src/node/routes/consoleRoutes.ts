import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AlephError } from '../../errors.js';

/**
 * Where `npm run build:console` writes the console: dist/console/ of the package, three levels above this file
 * whether it runs from src/node/routes/ (tsx) or dist/node/routes/ (compiled).
 */
export const DEFAULT_CONSOLE_DIR = join(fileURLToPath(new URL('../../../', import.meta.url)), 'dist', 'console');

/** The console's own pages: each has its URL, so a link can be shared; the browser app renders them. */
const PAGES = ['/programs', '/programs/:id', '/messages/:hash', '/addresses/:address'];

/** Origins the page may read besides its own: at most this many (the compute fleet's, see {@link csp}). */
const MAX_CONNECT_ORIGINS = 100;
const FLEET_CACHE_MS = 2000;

/**
 * No script, style or font leaves the node: the console ships everything it needs. It connects to its node and to
 * the registered compute nodes only, whose live request counts it reads where they are counted (issue 11).
 */
function csp(origins: readonly string[], inline: Inline): string {
  const connect = ["'self'", ...new Set(origins.map((o) => new URL(o).origin))].slice(0, MAX_CONNECT_ORIGINS + 1);
  const script = ["'self'", ...inline.scripts].join(' ');
  const style = ["'self'", ...inline.styles].join(' ');
  return (
    `default-src 'self'; script-src ${script}; style-src ${style}; img-src 'self' data:; connect-src ${connect.join(' ')}; ` +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
  );
}

/** The page's inline scripts and styles, by hash. */
interface Inline {
  scripts: string[];
  styles: string[];
}

/**
 * The hashes of the page's inline scripts (the boot script, which starts the first reads) and styles (the
 * stylesheet): the CSP allows those and no other inline code.
 */
export function inlineHashesOf(html: string): Inline {
  const of = (re: RegExp) =>
    [...html.matchAll(re)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  return { scripts: of(/<script>([\s\S]*?)<\/script>/g), styles: of(/<style>([\s\S]*?)<\/style>/g) };
}

function pageHeaders(reply: FastifyReply, origins: readonly string[], inline: Inline): FastifyReply {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', csp(origins, inline))
    .header('x-content-type-options', 'nosniff');
}

/**
 * The web console (issue 11) as static files under /console/: `/` redirects there; assets are content-hashed
 * (cached for a year, immutable), the page itself is revalidated on every load; the console's page URLs and any
 * other path under /console/ answer the app (404 for unknown paths, so the app's not-found page has the right
 * status), except under /console/assets/, where a missing file is a 404 error, never the page. Paths are resolved by
 * `send` inside `dir` only (`..`, encoded or not, never leaves it). Without a build the console answers 503
 * CONSOLE_NOT_BUILT naming the command; the API never depends on it.
 */
export async function consoleRoutes(
  app: FastifyInstance,
  dir: string = DEFAULT_CONSOLE_DIR,
  /** The compute fleet's URLs (registered nodes), which the page may connect to. */
  fleetUrls: () => Promise<readonly string[]> = async () => [],
): Promise<void> {
  app.get('/', (_req, reply) => reply.redirect('/console/', 302));
  const built = existsSync(join(dir, 'index.html'));
  // Hashed again when the page is rebuilt under a running node (the boot script may have changed).
  const none: Inline = { scripts: [], styles: [] };
  let shell: { mtime: number; inline: Inline } = { mtime: -1, inline: none };
  const inlineHashes = (): Inline => {
    const file = join(dir, 'index.html');
    const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    if (mtime !== shell.mtime) shell = { mtime, inline: mtime < 0 ? none : inlineHashesOf(readFileSync(file, 'utf8')) };
    return shell.inline;
  };
  // The fleet changes on the scale of minutes: a page load reads it from the store at most every few seconds.
  let origins: { at: number; urls: Promise<readonly string[]> } | null = null;
  const fleet = (): Promise<readonly string[]> => {
    if (!origins || Date.now() - origins.at > FLEET_CACHE_MS) {
      const urls = fleetUrls().catch(() => [] as readonly string[]);
      origins = { at: Date.now(), urls };
    }
    return origins.urls;
  };
  await app.register(
    async (scope) => {
      if (!built) {
        const notBuilt = () => {
          throw new AlephError('CONSOLE_NOT_BUILT', `the web console is not built (no ${join(dir, 'index.html')})`, {
            hint: 'run `npm run build:console` (or `npm run setup`)',
            details: { dir },
          });
        };
        scope.get('/', notBuilt);
        scope.get('/*', notBuilt);
        return;
      }
      await scope.register(fastifyStatic, {
        root: dir,
        prefix: '/',
        index: false,
        wildcard: true,
        preCompressed: true,
        cacheControl: false,
        dotfiles: 'deny',
        setHeaders(res, path) {
          res.header('x-content-type-options', 'nosniff');
          if (path.includes(`${join(dir, 'assets')}`))
            res.header('cache-control', 'public, max-age=31536000, immutable');
          else res.header('cache-control', 'no-cache');
        },
      });
      const page = async (_req: unknown, reply: FastifyReply) =>
        pageHeaders(reply, await fleet(), inlineHashes()).sendFile('index.html');
      scope.get('/', page);
      for (const p of PAGES) scope.get(p, page);
      scope.setNotFoundHandler((req, reply) => {
        const path = req.url.split('?')[0] ?? '';
        if (path.startsWith('/console/assets/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
          throw new AlephError('CONSOLE_FILE_NOT_FOUND', `no console file ${path.slice(0, 200)}`, {
            details: { path: path.slice(0, 200) },
          });
        }
        return pageHeaders(reply.code(404), [], inlineHashes()).sendFile('index.html');
      });
    },
    { prefix: '/console' },
  );
}
