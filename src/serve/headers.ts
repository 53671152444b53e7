// The headers every answer of `aifabric serve` carries: a strict Content-Security-Policy and nosniff. The page
// loads everything from this server (scripts, styles, fonts bundled; the API on the same origin), so 'self' is
// all it needs; no 'unsafe-eval' (vega draws with vega-interpreter instead of compiling expressions) and no inline
// scripts. Left out: HSTS (the server speaks plain HTTP on loopback; there is no TLS to pin).

/** Each directive and why it is what it is. */
const DIRECTIVES: [string, string][] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  // 'unsafe-inline' for styles only: report.html is one self-contained file whose stylesheet is inline, and
  // vega-embed inserts its stylesheet as a <style> element. Styles cannot run code.
  ['style-src', "'self' 'unsafe-inline'"],
  // data: for images vega makes (a chart exported as PNG is a data URL).
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'self'"],
  ['form-action', "'self'"],
  ['frame-ancestors', "'none'"],
];

export const CONTENT_SECURITY_POLICY = DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // The page is not meant to be framed (clickjacking): the CSP's frame-ancestors says so to current browsers.
  'x-frame-options': 'DENY',
  // The page's URL carries the token (`?token=`): no Referer header takes it anywhere.
  'referrer-policy': 'no-referrer',
};
