import type { Expectation, Shape } from './cases.js'
import type { RawAnswer } from './raw-http.js'

/** Marks of internals in an answer: stack frames, source paths, dependency paths. */
const INTERNALS = /\n\s+at |\bat [\w.<>]+ \(|node_modules|\/(src|dist)\/[\w/.-]+\.[jt]s|\.[jt]s:\d+:\d+/

/** Whether `body` has the error shape of its route. */
function shapeProblem (body: unknown, shape: Shape): string | undefined {
  if (shape === 'ok') return undefined
  if (typeof body !== 'object' || body === null || !('error' in body)) return 'no "error" member'
  const keys = Object.keys(body)
  if (keys.length !== 1) return `members ${JSON.stringify(keys)}, expected only "error"`
  const error = (body as { error: unknown }).error
  if (shape === 'v2') return typeof error === 'string' && error.length > 0 ? undefined : '"error" is not a message string (KServe v2)'
  if (typeof error !== 'object' || error === null) return '"error" is not an object {code, message}'
  const { code, message } = error as { code?: unknown, message?: unknown }
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code)) return `"error.code" is ${JSON.stringify(code)}, not an upper-case code`
  if (typeof message !== 'string' || message.length === 0) return '"error.message" is not a message'
  const extra = Object.keys(error).filter((k) => k !== 'code' && k !== 'message')
  return extra.length === 0 ? undefined : `"error" has more than code and message: ${extra.join(', ')}`
}

/** A short view of an answer for failure messages. */
export function describeAnswer (a: RawAnswer): string {
  const body = a.body.subarray(0, 300).toString('utf8')
  return `${a.status === 0 ? 'no answer' : `${a.status}`} ${a.headers['content-type'] ?? '(no content-type)'} ${JSON.stringify(body)}${a.reset ? ' (reset)' : ''}`
}

/**
 * What is wrong with an answer, for the expectation of its case; empty when it is right. Every
 * answer must be JSON of its route's shape, never a 5xx for a client's mistake, never a trace.
 */
export function answerProblems (a: RawAnswer, e: Expectation): string[] {
  const problems: string[] = []
  if (a.status === 0) return [`no answer${a.reset ? ' (connection reset)' : a.closed ? ' (connection closed)' : ' (timed out)'}`]
  if (a.status !== e.status) problems.push(`status ${a.status}, expected ${e.status}`)
  if (e.status < 500 && a.status >= 500) problems.push(`a client's mistake answered ${a.status}`)
  if (!/^application\/json\b/.test(a.headers['content-type'] ?? '')) problems.push(`content-type ${a.headers['content-type'] ?? 'missing'}, expected application/json`)
  const text = a.body.toString('utf8')
  if (INTERNALS.test(text)) problems.push('the body shows internals (a stack trace or source path)')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    problems.push('the body is not JSON')
  }
  if (body !== undefined) {
    const shape = shapeProblem(body, a.status >= 400 ? e.shape : 'ok')
    if (shape !== undefined) problems.push(`error shape: ${shape}`)
    const code = (body as { error?: { code?: unknown } }).error?.code
    if (e.code !== undefined && code !== e.code) problems.push(`code ${JSON.stringify(code)}, expected ${e.code}`)
    const more = a.status === e.status ? e.check?.(body) : undefined
    if (more !== undefined) problems.push(more)
  }
  if (e.status === 503 && a.status === 503 && a.headers['retry-after'] === undefined) problems.push('a 503 without Retry-After')
  if (e.closes === true && !a.closed) problems.push('the connection stayed open; expected the server to close it')
  if (e.noContinue === true && a.interim.includes(100)) problems.push('100 Continue was sent: the body was asked for')
  if (problems.length > 0) problems.push(`got: ${describeAnswer(a)}`)
  return problems
}
