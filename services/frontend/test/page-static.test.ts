import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { buildPage, refusedUrl, startFrontend } from './helpers.js'

describe('page and security headers', () => {
  let page: ReturnType<typeof buildPage>
  beforeAll(() => { page = buildPage() })
  afterAll(() => page.remove())
  const down = async () => ({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: await refusedUrl(), PUBLIC_DIR: page.dir })

  it('serves the built page at / with a strict CSP and the bundled script', async () => {
    const { url } = await startFrontend(await down())
    const res = await fetch(`${url}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("img-src 'self' blob: data:")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await res.text()
    expect(html).toContain('<script type="module" src="main.js"></script>')
    expect(html).not.toMatch(/<script>|https?:\/\/(?!www\.w3\.org)/)

    const script = await fetch(`${url}/main.js`)
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    expect(await script.text()).toContain('/api/prime/check/')
    expect((await fetch(`${url}/styles.css`)).status).toBe(200)
  })

  it('answers unknown paths with a JSON 404, not HTML', async () => {
    const { url } = await startFrontend(await down())
    const res = await fetch(`${url}/api/nothing`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'FRONTEND_NOT_FOUND', message: 'no route for GET /api/nothing' } })
  })

  it('says how to build the page when the build output is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'frontend-public-'))
    onTestFinished(() => rm(empty, { recursive: true, force: true }))
    const { url } = await startFrontend({ ...await down(), PUBLIC_DIR: empty })
    const res = await fetch(`${url}/`)
    expect(res.status).toBe(503)
    const body = await res.json()
    expect(body.error.code).toBe('FRONTEND_PAGE_NOT_BUILT')
    expect(body.error.message).toContain('run npm run build')
  })
})
