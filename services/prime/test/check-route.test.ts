import { afterAll, describe, expect, it } from 'vitest'
import { buildApp, closeSharedApps, sharedApp } from './helpers.js'

const get = async (path: string, env: Record<string, string> = {}) => {
  const app = await sharedApp(env)
  return await app.inject({ method: 'GET', url: path })
}

afterAll(closeSharedApps)

describe('GET /check/:number', () => {
  it('answers 97 is prime with the workshop keys number and is_prime', async () => {
    const res = await get('/check/97')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ number: '97', is_prime: true, digits: 2, method: 'trial-division' })
    expect(res.json().elapsed_ms).toBeGreaterThanOrEqual(0)
    expect(res.json()).not.toHaveProperty('factor')
  })

  it('answers 91 is not prime and names the factor 7', async () => {
    expect((await get('/check/91')).json()).toMatchObject({ number: '91', is_prime: false, factor: '7' })
  })

  it('answers 0 and 1 are not prime by definition', async () => {
    expect((await get('/check/0')).json()).toMatchObject({ number: '0', is_prime: false, method: 'definition' })
    expect((await get('/check/1')).json()).toMatchObject({ number: '1', is_prime: false, method: 'definition' })
  })

  it('canonicalizes leading zeros', async () => {
    expect((await get('/check/00097')).json()).toMatchObject({ number: '97', digits: 2, is_prime: true })
  })

  it('answers the 157-digit Mersenne prime 2^521-1 with every digit kept', async () => {
    const m = (2n ** 521n - 1n).toString()
    const res = await get(`/check/${m}`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ number: m, is_prime: true, digits: 157, method: 'baillie-psw' })
  })

  it('answers a 40-digit prime', async () => {
    const res = await get('/check/1000000000000000000000000000000000000003')
    expect(res.json()).toMatchObject({ is_prime: true, digits: 40, method: 'baillie-psw' })
  })

  it.each([
    ['empty', '/check/', /empty/],
    ['negative', '/check/-97', /"-97" is negative/],
    ['leading +, URL-encoded', '/check/%2B97', /"\+97" has a leading '\+'/],
    ['decimals', '/check/97.0', /"97.0" has a decimal point/],
    ['hex', '/check/0x61', /"0x61" is not decimal/],
    ['exponent notation', '/check/1e5', /"1e5" uses exponent notation/],
    ['upper-case exponent', '/check/1E5', /"1E5" uses exponent notation/],
    ['leading space, URL-encoded', '/check/%2097', /" 97" has leading or trailing whitespace/],
    ['trailing newline, URL-encoded', '/check/97%0A', /has leading or trailing whitespace/],
    ['inner whitespace', '/check/9%207', /"9 7" contains whitespace between digits/],
    ['Arabic-Indic digits', `/check/${encodeURIComponent('٩٧')}`, /non-ASCII digit '٩' \(U\+0669\)/],
    ['full-width digits', `/check/${encodeURIComponent('９７')}`, /non-ASCII digit '９' \(U\+FF19\)/],
    ['letters', '/check/abc', /"abc" is not a decimal integer/],
    ['an encoded slash', '/check/9%2F7', /"9\/7" is not a decimal integer/]
  ])('refuses %s with 400 PRIME_BAD_NUMBER naming the input', async (_what, url, message) => {
    const res = await get(url)
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json().error.code).toBe('PRIME_BAD_NUMBER')
    expect(res.json().error.message).toMatch(message)
  })

  it('refuses a number over the digit limit with 400 PRIME_TOO_MANY_DIGITS stating the limit', async () => {
    const res = await get(`/check/${'7'.repeat(1001)}`)
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toEqual({
      code: 'PRIME_TOO_MANY_DIGITS',
      message: `"${'7'.repeat(20)}..." has 1001 digits; the limit is 1000 (PRIME_MAX_DIGITS)`
    })
  })

  it('follows a configured PRIME_MAX_DIGITS', async () => {
    expect((await get('/check/12345', { PRIME_MAX_DIGITS: '4' })).json().error.message).toMatch(/the limit is 4/)
    expect((await get('/check/1234', { PRIME_MAX_DIGITS: '4' })).statusCode).toBe(200)
  })

  it.each(['/check/%ZZ', '/check/%E0%A4%A', '/check/%'])('refuses the malformed percent-encoding %s with 400 PRIME_BAD_URL', async (url) => {
    const res = await get(url)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('PRIME_BAD_URL')
    expect(res.json().error.message).toContain('is not a valid url component')
  })

  it('answers 404 JSON for a path under /check with more segments', async () => {
    const res = await get('/check/9/7')
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('PRIME_NOT_FOUND')
  })
})

describe('GET /check/:number over a real socket', () => {
  it('decodes %20 and %2B before parsing and refuses them, and serves a long number', async () => {
    const app = await buildApp()
    const base = await app.listen({ host: '127.0.0.1', port: 0 })
    const space = await fetch(`${base}/check/%2097`)
    expect(space.status).toBe(400)
    expect((await space.json()).error.message).toMatch(/^" 97" has leading or trailing whitespace/)
    const plus = await fetch(`${base}/check/%2B97`)
    expect((await plus.json()).error.message).toMatch(/^"\+97" has a leading '\+'/)
    const m = (2n ** 607n - 1n).toString()
    expect(await (await fetch(`${base}/check/${m}`)).json()).toMatchObject({ number: m, is_prime: true })
  })
})
