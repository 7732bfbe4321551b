import { chunked, head, rawRequest, type RawAnswer, type RawPart } from './raw-http.js'

/** A backend the corpus speaks to, directly or through the frontend. */
export type Backend = 'prime' | 'classifier'
export type Via = 'direct' | 'frontend'

/**
 * The error body of a route: the project's `{"error":{"code","message"}}`, or KServe v2's
 * `{"error":"message"}`; `ok` for an answer that is not an error (checked by `check`).
 */
export type Shape = 'kit' | 'v2' | 'ok'

export interface Expectation {
  status: number
  /** The error code (shape `kit`). */
  code?: string
  shape: Shape
  /** More to require of the JSON body: a problem, or undefined when it is right. */
  check?: (body: unknown) => string | undefined
  /** The server closes the connection after this answer. */
  closes?: boolean
  /** The body was announced with Expect: 100-continue and must not be asked for (no 100 before the answer). */
  noContinue?: boolean
}

/** How a body travels: Content-Length, chunked, or Content-Length announced with `Expect: 100-continue`. */
export type Framing = 'length' | 'chunked' | 'expect'

/** One request of the corpus, written as the service sees it; through the frontend its path is the public one. */
export interface Case {
  name: string
  service: Backend
  method: string
  /** The path on the service (`/classify`, `/check/97`, `/v2/...`). */
  path: string
  headers?: Array<[string, string]>
  body?: Buffer
  framing?: Framing
  /** The bytes to send instead of method, headers and body, given the path and the Host value. */
  raw?: (path: string, host: string) => RawPart[]
  expect: Expectation
  /** What differs when the case goes through the frontend (which may answer first, e.g. its own 413). */
  frontend?: Partial<Expectation>
  /** What differs when it goes to the service directly. */
  direct?: Partial<Expectation>
  /** Where the case applies (both by default). */
  via?: Via[]
}

/** The frontend's public path of a service path. */
export function publicPath (service: Backend, path: string): string {
  if (service === 'prime') return `/api/prime${path}`
  return path.startsWith('/classify') ? `/api${path}` : `/api/classifier${path}`
}

export function expectationFor (c: Case, via: Via): Expectation {
  return { ...c.expect, ...(via === 'frontend' ? c.frontend : c.direct) }
}

const BODY_PIECE = 256 * 1024

/** The raw parts of a case: its request line, headers (Host, the framing's) and body, in order. */
export function partsOf (c: Case, path: string, host: string): RawPart[] {
  if (c.raw !== undefined) return c.raw(path, host)
  const headers: Array<[string, string]> = [['Host', host], ...(c.headers ?? [])]
  const body = c.body
  if (body === undefined) return [head(c.method, path, headers)]
  const framing = c.framing ?? 'length'
  if (framing === 'chunked') return [head(c.method, path, [...headers, ['Transfer-Encoding', 'chunked']]), ...pieces(chunked(body))]
  const withLength: Array<[string, string]> = [...headers, ['Content-Length', String(body.length)]]
  if (framing === 'expect') return [head(c.method, path, [...withLength, ['Expect', '100-continue']]), { awaitContinueMs: 10_000 }, ...pieces(body)]
  return [head(c.method, path, withLength), ...pieces(body)]
}

/** A big body in pieces, so a client that got its answer early stops sending, as real clients do. */
function pieces (body: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (let at = 0; at < body.length; at += BODY_PIECE) out.push(body.subarray(at, at + BODY_PIECE))
  return out
}

/** Sends a case to `base` (a service's or the frontend's URL) and reads its answer. */
export async function sendCase (c: Case, base: string, via: Via): Promise<RawAnswer> {
  const path = via === 'frontend' ? publicPath(c.service, c.path) : c.path
  const expectation = expectationFor(c, via)
  return await rawRequest(base, partsOf(c, path, new URL(base).host), { timeoutMs: 30_000, awaitClose: expectation.closes === true })
}
