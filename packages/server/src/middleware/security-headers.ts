import type { Middleware } from 'koa';

/** CSP for API responses: nothing may be loaded or framed from them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * CSP for Swagger UI at `/docs`: its script, style and the spec come from this origin only; Swagger UI sets inline
 * styles and uses data: images for icons, so those two are allowed and nothing else.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** CSP for the citizen page: same-origin scripts, styles, images and API calls. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Sets the headers every response carries. Koa itself sends no `x-powered-by` and nothing in the chain adds one.
 * Routes that serve HTML replace the CSP with their own (`DOCS_CSP`, `PAGE_CSP`).
 *
 * @example
 * app.use(securityHeaders());
 */
export function securityHeaders(): Middleware {
  return (ctx, next) => {
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('x-frame-options', 'DENY');
    ctx.set('referrer-policy', 'no-referrer');
    ctx.set('content-security-policy', API_CSP);
    return next();
  };
}
