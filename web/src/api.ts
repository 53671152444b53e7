// The page's calls to `aifabric serve` (docs/serve.md): every /api request carries the access token, which the
// page reads once from the URL the server printed and keeps in memory only (it is taken out of the address bar,
// so it is not left in the history or a bookmark). Routes a server may not have yet: Fastify answers an unknown
// route with its own 404 body, told apart from a route's own 404 (`{error: {...}}`); the page's first real call
// to such a route tells (ApiError.missingRoute), or a probe asked once (hasRoute).
// Leaves out: retries (the server is on this machine).

let token = '';

export function setToken(t: string): void {
  token = t;
}

export const hasToken = (): boolean => token !== '';

/** A problem as the server's errors give it (`{error: {code, message, field, location, problems}}`). */
export interface Problem {
  message: string;
  field?: string;
  location?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: Problem[],
    /** The server has no such route (Fastify's own 404): that part of the page is not available here. */
    readonly missingRoute = false,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { message?: string; field?: string; location?: string; problems?: Problem[] } | string;
  message?: string;
}

function problemsOf(body: ErrorBody, status: number): { message: string; problems: Problem[] } {
  const e = body.error;
  if (e && typeof e === 'object') {
    const message = e.message ?? `error ${status}`;
    const problems =
      e.problems && e.problems.length > 0 ? e.problems : [{ message, field: e.field, location: e.location }];
    return { message, problems };
  }
  const message = body.message ?? `error ${status}`;
  return { message, problems: [{ message }] };
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return fetch(path, { ...init, headers });
}

/** Fastify's own 404 for a route it does not have: `{message: 'Route GET:/x not found', error: 'Not Found'}`. */
const isMissingRoute = (status: number, body: ErrorBody) =>
  status === 404 && typeof body.error === 'string' && /^Route /.test(body.message ?? '');

async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as ErrorBody;
  const { message, problems } = problemsOf(body, res.status);
  return new ApiError(res.status, message, problems, isMissingRoute(res.status, body));
}

/** JSON from a route; an ApiError for any status but 2xx. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await request(path, init);
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export const postJson = <T>(path: string, body: unknown): Promise<T> =>
  api<T>(path, { method: 'POST', body: JSON.stringify(body) });

/** The bytes of a download route, as a Blob: POSTed with a JSON body, or a GET without one. */
export async function download(path: string, body?: unknown): Promise<Blob> {
  const res = await request(path, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw await failure(res);
  return res.blob();
}

const probes = new Map<string, Promise<boolean>>();

/** Does this server have the route? `probe` is a harmless request to it (asked once per page load). */
export function hasRoute(method: string, path: string, probe?: unknown): Promise<boolean> {
  const key = `${method} ${path}`;
  let p = probes.get(key);
  if (!p) {
    p = request(path, { method, body: probe === undefined ? undefined : JSON.stringify(probe) })
      // A HEAD answer has no body: there, any answer but a success means no.
      .then(async (res) =>
        method === 'HEAD' ? res.ok : !isMissingRoute(res.status, (await res.json().catch(() => ({}))) as ErrorBody),
      )
      .catch(() => false);
    probes.set(key, p);
  }
  return p;
}

/** Server-sent events of a run (EventSource sends no headers: the token goes in the query). */
export function runEvents(id: string): EventSource {
  return new EventSource(`/api/simulate/${encodeURIComponent(id)}/events?token=${encodeURIComponent(token)}`);
}

/** Offers a Blob as a file download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
