import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { curl } from '../../kit/test/curl.js'
import { closeSharedApps, sharedApp } from './helpers.js'

/** Prime's body limit: fastify's default, which the service keeps. */
const LIMIT = 1024 * 1024

/** A batch of `numbers`, padded with JSON whitespace to `size` bytes. */
function batch (numbers: string[], size: number): string {
  const json = JSON.stringify({ numbers })
  return json.slice(0, -1) + ' '.repeat(Math.max(0, size - json.length)) + '}'
}

describe('POST /check with the curl binary', () => {
  let dir: string
  let url: string
  const file = (name: string) => join(dir, name)
  const json = (name: string, ...extra: string[]) => ['--data-binary', `@${file(name)}`, '-H', 'content-type: application/json', ...extra]
  // curl asks on its own above 1 MB; below, this header makes it ask all the same.
  const expect100 = ['-H', 'Expect: 100-continue']

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prime-curl-'))
    await writeFile(file('small'), batch(['97', '91'], 0))
    await writeFile(file('at-limit'), batch(['97'], LIMIT))
    await writeFile(file('3m'), batch(['97'], 3 * 1024 * 1024))
  })
  beforeAll(async () => { url = await (await sharedApp()).listen({ host: '127.0.0.1', port: 0 }) })
  afterAll(async () => {
    await closeSharedApps()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers a small batch sent after 100 Continue', async () => {
    const res = await curl(`${url}/check`, ...json('small', ...expect100))
    expect([res.status, res.continued]).toEqual([200, true])
    expect(res.json<{ results: Array<{ is_prime: boolean }> }>().results.map((r) => r.is_prime)).toEqual([true, false])
  })

  it('takes a body of exactly the 1 MiB limit', async () => {
    const res = await curl(`${url}/check`, ...json('at-limit', ...expect100))
    expect([res.status, res.continued, res.uploaded]).toEqual([200, true, LIMIT])
  })

  it('answers a 3 MB body with 413 at once, without receiving it', async () => {
    const res = await curl(`${url}/check`, ...json('3m'))
    expect([res.status, res.continued, res.uploaded]).toEqual([413, false, 0])
    expect(res.json()).toEqual({
      error: { code: 'PRIME_BODY_TOO_LARGE', message: `the request body is ${3 * 1024 * 1024} bytes; the limit for POST /check is ${LIMIT} bytes` }
    })
  })

  it('counts a chunked body against the limit while it streams', async () => {
    const fits = await curl(`${url}/check`, ...json('small', ...expect100, '-H', 'transfer-encoding: chunked'))
    expect([fits.status, fits.continued]).toEqual([200, true])
    const over = await curl(`${url}/check`, ...json('3m', '-H', 'transfer-encoding: chunked'))
    expect([over.status, over.continued]).toEqual([413, true])
    expect(over.json()).toEqual({ error: { code: 'PRIME_BODY_TOO_LARGE', message: `the request body is over ${LIMIT} bytes, the limit for POST /check` } })
  })
})
