import type { Case, Expectation } from '../lib/cases.js'
import { SETTINGS } from '../lib/settings.js'

const BAD = 'PRIME_BAD_NUMBER'
const TOO_MANY_DIGITS = 'PRIME_TOO_MANY_DIGITS'
const BAD_REQUEST = 'PRIME_BAD_REQUEST'
const TOO_LARGE = 'PRIME_BODY_TOO_LARGE'
const FRONTEND_TOO_LARGE = 'FRONTEND_BODY_TOO_LARGE'
/** The prime service's defaults, which the fault stack keeps: PRIME_MAX_DIGITS, PRIME_MAX_BATCH, PRIME_MAX_BATCH_DIGITS. */
const MAX_DIGITS = 1000
const MAX_BATCH = 1000
const MAX_BATCH_DIGITS = 10_000

const refused = (status: number, code?: string, mentions?: string): Expectation => ({
  status,
  shape: 'kit',
  ...(code === undefined ? {} : { code }),
  ...(mentions === undefined ? {} : { check: (body) => (body as { error: { message: string } }).error.message.includes(mentions) ? undefined : `the message does not mention ${mentions}` })
})
const decided = (isPrime: boolean): Expectation => ({
  status: 200,
  shape: 'ok',
  check: (body) => (body as { is_prime?: unknown }).is_prime === isPrime ? undefined : `is_prime is ${JSON.stringify((body as { is_prime?: unknown }).is_prime)}, expected ${isPrime}`
})
const batch = (count: number): Expectation => ({
  status: 200,
  shape: 'ok',
  check: (body) => (body as { results?: unknown[] }).results?.length === count ? undefined : `expected ${count} results`
})

const get = (name: string, number: string, expect: Expectation, extra: Partial<Case> = {}): Case =>
  ({ name: `GET ${name}`, service: 'prime', method: 'GET', path: `/check/${number}`, expect, ...extra })
const post = (name: string, body: unknown, expect: Expectation, extra: Partial<Case> = {}): Case => ({
  name: `POST ${name}`,
  service: 'prime',
  method: 'POST',
  path: '/check',
  headers: [['Content-Type', 'application/json']],
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  expect,
  ...extra
})

/** An even number of `digits` digits: decided at once by trial division, whatever its size. */
const even = (digits: number): string => '1'.repeat(digits - 1) + '2'

/**
 * Prime inputs, GET and POST: every way to write something that is not a plain decimal integer,
 * the limits exactly at and one past them, hostile JSON, and a few answers whose value is known.
 */
export function primeCases (): Case[] {
  const overBody = Buffer.alloc(SETTINGS.frontend.MAX_PRIME_BODY_BYTES + 1, 0x20)
  overBody.write('{"numbers":["97"]}', 0)
  return [
    get('97', '97', decided(true)),
    get('0', '0', decided(false)),
    get('1', '1', decided(false)),
    get('561 (a Carmichael number)', '561', decided(false)),
    get('3825123056546413051 (a strong pseudoprime to bases 2-23)', '3825123056546413051', decided(false)),
    get('2^64 + 13 (prime)', (2n ** 64n + 13n).toString(), decided(true)),
    get('007 (leading zeros)', '007', decided(true)),
    get(`${MAX_DIGITS} digits (the limit)`, even(MAX_DIGITS), decided(false)),
    get(`${MAX_DIGITS + 1} digits`, even(MAX_DIGITS + 1), refused(400, TOO_MANY_DIGITS, String(MAX_DIGITS))),
    get(`${MAX_DIGITS} digits after a leading zero`, `0${even(MAX_DIGITS)}`, refused(400, TOO_MANY_DIGITS)),
    get('10,000 digits', even(10_000), refused(400, TOO_MANY_DIGITS)),
    get('-7', '-7', refused(400, BAD, 'negative')),
    get('+7', '%2B7', refused(400, BAD)),
    get('1e5', '1e5', refused(400, BAD, 'exponent')),
    get('0x1F', '0x1F', refused(400, BAD)),
    get('0b101', '0b101', refused(400, BAD)),
    get('1_000', '1_000', refused(400, BAD)),
    get('1,000', '1,000', refused(400, BAD)),
    get('9.0', '9.0', refused(400, BAD)),
    get('.5', '.5', refused(400, BAD)),
    get('a leading space', '%2097', refused(400, BAD)),
    get('a trailing tab', '97%09', refused(400, BAD)),
    get('a newline inside', '9%0A7', refused(400, BAD)),
    get('NaN', 'NaN', refused(400, BAD)),
    get('Infinity', 'Infinity', refused(400, BAD)),
    get('Arabic-Indic digits', encodeURIComponent('٩٧'), refused(400, BAD, 'non-ASCII digit')),
    get('fullwidth digits', encodeURIComponent('９７'), refused(400, BAD)),
    get('an emoji', encodeURIComponent('9💥7'), refused(400, BAD)),
    get('a NUL byte', '9%007', refused(400, BAD)),
    // The frontend cannot route a URL it cannot decode: it answers that 400 itself.
    get('%ZZ (a malformed escape)', '%ZZ', refused(400, 'PRIME_BAD_URL'), { frontend: { code: 'FRONTEND_BAD_URL' } }),
    get('%C0%AF (overlong UTF-8)', '%C0%AF', refused(400, 'PRIME_BAD_URL'), { frontend: { code: 'FRONTEND_BAD_URL' } }),
    get('5,000 letters', 'a'.repeat(5000), refused(400, BAD)),
    get('an encoded path climbing out', '..%2F..%2Fetc%2Fpasswd', refused(400, BAD), { frontend: { code: 'FRONTEND_BAD_PATH' } }),
    get('an empty number', '', refused(400, BAD)),
    get('a segment after the number', '97/extra', refused(404, 'PRIME_NOT_FOUND')),
    get('with a query string', '97?verbose=true&x=%00', decided(true)),
    { ...get('with PUT', '97', refused(404, 'PRIME_NOT_FOUND'), { frontend: { code: 'FRONTEND_NOT_FOUND' } }), name: 'PUT /check/97', method: 'PUT' },
    { ...get('with DELETE', '97', refused(404, 'PRIME_NOT_FOUND'), { frontend: { code: 'FRONTEND_NOT_FOUND' } }), name: 'DELETE /check/97', method: 'DELETE' },
    post('two numbers', { numbers: ['97', '91'] }, batch(2)),
    post('an empty list', { numbers: [] }, batch(0)),
    post(`${MAX_BATCH} numbers (the limit)`, { numbers: Array.from({ length: MAX_BATCH }, (_, i) => String(i)) }, batch(MAX_BATCH)),
    post(`${MAX_BATCH + 1} numbers`, { numbers: Array.from({ length: MAX_BATCH + 1 }, (_, i) => String(i)) }, refused(400, 'PRIME_TOO_MANY_NUMBERS', String(MAX_BATCH))),
    post(`${MAX_BATCH_DIGITS} digits in all (the limit)`, { numbers: Array.from({ length: MAX_BATCH_DIGITS / MAX_DIGITS }, () => even(MAX_DIGITS)) }, batch(MAX_BATCH_DIGITS / MAX_DIGITS)),
    post(`${MAX_BATCH_DIGITS + 1} digits in all`, { numbers: [...Array.from({ length: MAX_BATCH_DIGITS / MAX_DIGITS }, () => even(MAX_DIGITS)), '7'] }, refused(400, 'PRIME_BATCH_TOO_LARGE', String(MAX_BATCH_DIGITS))),
    post('a JSON number', { numbers: ['7', 97] }, refused(400, BAD, 'numbers[1]')),
    post('a bad entry at index 3', { numbers: ['2', '3', '5', '7x'] }, refused(400, BAD, 'numbers[3]')),
    post('an entry of 100,000 digits', { numbers: [even(100_000)] }, refused(400, TOO_MANY_DIGITS)),
    post('numbers that is a string', { numbers: '97' }, refused(400, BAD_REQUEST)),
    post('numbers null', { numbers: null }, refused(400, BAD_REQUEST)),
    post('no numbers member', { values: ['97'] }, refused(400, BAD_REQUEST)),
    post('an extra member', { numbers: ['97'], verbose: true }, refused(400, BAD_REQUEST)),
    post('nested lists', { numbers: [['97']] }, refused(400, BAD_REQUEST)),
    post('a __proto__ member beside numbers', '{"__proto__":{"numbers":["97"]},"numbers":["97"]}', refused(400)),
    // Its numbers only under __proto__: a parser that let them through to the prototype would check them.
    post('numbers only under a __proto__ member', '{"__proto__":{"numbers":["97"]}}', refused(400)),
    post('a constructor.prototype member', '{"constructor":{"prototype":{"x":1}},"numbers":["97"]}', refused(400)),
    post('broken JSON', '{"numbers": ["97"', refused(400)),
    post('an empty body', '', refused(400)),
    post('JSON nested 100,000 levels deep', '['.repeat(100_000) + ']'.repeat(100_000), refused(400)),
    post('numbers nested 10,000 levels deep', `{"numbers":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, refused(400, BAD_REQUEST)),
    // fastify reads text/plain as a string, which is no batch object.
    post('a text/plain body', { numbers: ['97'] }, refused(400, BAD_REQUEST), { headers: [['Content-Type', 'text/plain']] }),
    post('an octet-stream body', { numbers: ['97'] }, refused(415), { headers: [['Content-Type', 'application/octet-stream']] }),
    post('no content type', { numbers: ['97'] }, refused(415), { headers: [] }),
    post('two numbers, chunked', { numbers: ['97', '91'] }, batch(2), { framing: 'chunked' }),
    post('two numbers with Expect: 100-continue', { numbers: ['97', '91'] }, batch(2), { framing: 'expect' }),
    post('a body over 1 MiB (Content-Length)', overBody, refused(413, TOO_LARGE), { frontend: { code: FRONTEND_TOO_LARGE } }),
    post('a body over 1 MiB announced with Expect: 100-continue', overBody, { ...refused(413, TOO_LARGE), noContinue: true }, { framing: 'expect', frontend: { code: FRONTEND_TOO_LARGE } }),
    post('a chunked body over 1 MiB', overBody, refused(413, TOO_LARGE), { framing: 'chunked', frontend: { code: FRONTEND_TOO_LARGE } })
  ]
}
