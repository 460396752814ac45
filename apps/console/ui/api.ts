/** Calls of the console's own API (the BFF); errors carry the service's own words. */
export interface ApiError { code: string; message: string }

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly errors: ApiError[]) {
    super(errors.map((e) => e.message || e.code).join('; ') || `HTTP ${status}`);
  }
}

export interface Operator {
  principal: string;
  tenants: '*' | string[];
  scopes: string[];
  readOnly: boolean;
}

/** Market's dialect has `error.message`, ours `errors[].message`: the page shows whichever came. */
function errorsOf(status: number, body: unknown): ApiError[] {
  const b = body as { errors?: ApiError[]; error?: { code?: string; message?: string }; message?: string } | null;
  if (b?.errors?.length) return b.errors;
  if (b?.error) return [{ code: b.error.code ?? 'ERROR', message: b.error.message ?? '' }];
  return [{ code: 'HTTP_' + status, message: b?.message ?? `the server answered ${status}` }];
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(path, {
    method, credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw new ApiFailure(response.status, errorsOf(response.status, parsed));
  return parsed as T;
}

/** A fresh key per click: a double click or a retried request does the command once. */
export const idempotencyKey = (): string => crypto.randomUUID();

export const seg = encodeURIComponent;
