/** A failed API call, in the project's error shape (`{ "error": { "code", "message" } }`). */
export interface ApiError {
  status: number
  code: string
  message: string
  /** Seconds, from Retry-After. */
  retryAfter?: number
}

export type ApiResult<T> = { ok: true, body: T } | { ok: false, error: ApiError }

/** Calls a JSON API and never throws: network failures and non-JSON answers become an ApiError. */
export async function requestJson<T> (url: string, init?: RequestInit): Promise<ApiResult<T>> {
  let res: Response
  try {
    res = await fetch(url, init)
  } catch {
    return { ok: false, error: { status: 0, code: 'NETWORK', message: 'the server could not be reached; check the connection and try again' } }
  }
  let body: unknown
  try { body = await res.json() } catch { body = undefined }
  if (res.ok && body !== undefined) return { ok: true, body: body as T }

  const err = (body as { error?: unknown } | undefined)?.error
  const detail = typeof err === 'object' && err !== null ? err as { code?: unknown, message?: unknown } : {}
  const retryAfter = Number(res.headers.get('retry-after'))
  return {
    ok: false,
    error: {
      status: res.status,
      code: typeof detail.code === 'string' ? detail.code : `HTTP_${res.status}`,
      message: typeof detail.message === 'string'
        ? detail.message
        : typeof err === 'string' ? err : `the server answered ${res.status} ${res.statusText}`.trim(),
      retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined
    }
  }
}
