import type { Request } from 'restify';

/** Methods that change nothing: a cross-site page may cause them without harm (it cannot read the answer). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a browser says of a request its own page (or the user, typing the address) made. */
const OWN_SITE = new Set(['same-origin', 'none']);

export interface CrossSiteRefusal {
  status: 403 | 415;
  error: string;
}

/**
 * Why a state-changing request to the operator API must be refused as a possible cross-site
 * request forgery; undefined when it may go on. The session cookie is SameSite=Strict, but a
 * page of the same site (another port, a sibling subdomain) still sends it, so: only JSON bodies
 * (an HTML form cannot send one, and a cross-origin fetch with one needs a CORS preflight,
 * which the API never grants), and a browser's `Sec-Fetch-Site` and `Origin` must name this
 * origin (`Host`, or `publicOrigin` behind a proxy). Clients that are not browsers send neither.
 */
export function crossSiteRefusal(req: Request, publicOrigin?: string): CrossSiteRefusal | undefined {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return undefined;
  const fetchSite = req.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && !OWN_SITE.has(fetchSite)) {
    return { status: 403, error: 'cross-site request refused' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, req.headers.host, publicOrigin)) {
    return { status: 403, error: 'cross-site request refused' };
  }
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (hasBody && type !== 'application/json') {
    return { status: 415, error: 'only application/json bodies are accepted' };
  }
  return undefined;
}

function isOwnOrigin(origin: string, host: string | undefined, publicOrigin?: string): boolean {
  if (publicOrigin !== undefined && origin === publicOrigin) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
