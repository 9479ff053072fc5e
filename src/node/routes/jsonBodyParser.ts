import type { FastifyInstance } from 'fastify';
import { AlephError } from '../../errors.js';
import { isJsonTooDeep } from '../../protocol/index.js';

/**
 * Every JSON body is measured for depth before it is parsed (a linear scan, no recursion), then parsed by
 * Fastify's own parser (which refuses `__proto__` and `constructor` poisoning). A body nested past the limit
 * is a request error (400), not a refusal of a message: nothing in it was read.
 */
export function installJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && isJsonTooDeep(body, maxDepth)) {
      done(
        new AlephError('REQUEST_BODY_TOO_DEEP', `the JSON body nests deeper than ${maxDepth} levels`, {
          hint: `flatten the body: at most ${maxDepth} levels of objects and arrays`,
          details: { max_depth: maxDepth },
        }),
        undefined,
      );
      return;
    }
    parse(req, body as string, done);
  });
}
