/** The viewer's identity for the rooms: a guest token from POST /api/session, kept in localStorage. */
export const TOKEN_KEY = 'livestream.token';

export interface SessionUser {
  id: string;
  nick: string;
  role: string;
}

/** The `exp` claim (epoch s) of a JWT, or null when it has none or is not a JWT. */
export function jwtExpiry(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) {
    return null;
  }
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

/** A token is usable while its expiry is more than `marginS` away (an unknown expiry counts as usable). */
export function isTokenFresh(token: string, nowMs: number, marginS = 30): boolean {
  const exp = jwtExpiry(token);
  return exp === null || exp - marginS > nowMs / 1000;
}

export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function safeStorage(): TokenStore | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled (private mode, sandboxed frame)
  }
}

/** The stored token if it is still fresh; an expired one is dropped. */
export function loadToken(store: TokenStore | null = safeStorage(), now = Date.now()): string | null {
  const token = store?.getItem(TOKEN_KEY) ?? null;
  if (token && !isTokenFresh(token, now)) {
    store?.removeItem(TOKEN_KEY);
    return null;
  }
  return token;
}

export function saveToken(token: string, store: TokenStore | null = safeStorage()): void {
  store?.setItem(TOKEN_KEY, token);
}

export function dropToken(store: TokenStore | null = safeStorage()): void {
  store?.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Reads `{"error","message"}` out of a failed response (or makes one up from the status). */
export async function apiError(response: Response): Promise<ApiError> {
  let code = `http-${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: string; message?: string };
    code = body.error ?? code;
    message = body.message ?? body.error ?? message;
  } catch {
    // not JSON: keep the status line
  }
  if (response.status === 429 && !message) {
    message = 'too many sign-ins from this address, try again in a moment';
  }
  return new ApiError(response.status, code, message);
}

export async function createSession(nickname: string, fetchFn: typeof fetch = fetch):
    Promise<{ token: string; expiresIn: number; user: SessionUser }> {
  const response = await fetchFn('/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ nickname }),
  });
  if (!response.ok) {
    throw await apiError(response);
  }
  return (await response.json()) as { token: string; expiresIn: number; user: SessionUser };
}
