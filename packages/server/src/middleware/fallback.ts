import type Router from '@koa/router';
import type { Middleware } from 'koa';

import { HttpProblem } from '../problem.js';

/**
 * Placed after the routes: answers what no route handled. A path served with other methods gets 405 with `Allow`
 * (or 204 with `Allow` for OPTIONS); anything else, after `next` (static files) had its chance, gets 404.
 *
 * @example
 * app.use(router.routes()).use(fallback(router, publicFiles()));
 */
export function fallback<State>(router: Router<State>, next404?: Middleware): Middleware {
  return async (ctx, next) => {
    if (ctx.body !== undefined || ctx.status !== 404) {
      await next();
      return;
    }
    let match = router.match(ctx.path, ctx.method);
    if (match.path.length === 0 && ctx.path.length > 1 && (ctx.path.includes('//') || ctx.path.endsWith('/'))) {
      // An empty path parameter (`/v1/models//predict`, `/v1/models/`) names no model: answer as that route would
      // for an unknown one (404), or 405 for a method it does not serve, rather than "no such route".
      match = router.match(ctx.path.replace(/\/(?=\/|$)/g, '/-'), ctx.method);
      if (match.route)
        throw new HttpProblem(404, 'not-found', 'An empty path segment names nothing.', [
          { path: '', message: 'empty path parameter' },
        ]);
    }
    if (match.path.length > 0 && !match.route) {
      const allowed = new Set<string>();
      for (const layer of match.path) for (const method of layer.methods) allowed.add(method);
      allowed.add('OPTIONS');
      const allow = [...allowed].join(', ');
      if (ctx.method === 'OPTIONS') {
        ctx.set('allow', allow);
        ctx.status = 204;
        return;
      }
      throw new HttpProblem(
        405,
        'method-not-allowed',
        `${ctx.method} is not allowed on ${ctx.path.slice(0, 200)}; allowed: ${allow}.`,
        [],
        { allow },
      );
    }
    if (next404) await next404(ctx, async () => {});
    if (ctx.body === undefined && ctx.status === 404) {
      throw new HttpProblem(404, 'not-found', `There is no route ${ctx.method} ${ctx.path.slice(0, 200)}.`);
    }
  };
}
