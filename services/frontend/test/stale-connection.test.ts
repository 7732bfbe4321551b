import { createServer, type Socket } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { refusedUrl, startFrontend } from './helpers.js'

/** How a raw upstream treats the nth request it receives (1-based): closes without a byte, answers part of a head then closes, or answers. */
type Treatment = 'close' | 'half-answer' | 'answer'

/**
 * An HTTP/1.1 upstream written on a raw socket, so that it can close a connection the way a
 * service closing its idle keep-alive connections does: it reads each request whole (head and
 * Content-Length body), records it, then treats it as `treat` says.
 */
async function rawUpstream (treat: (n: number) => Treatment) {
  const bodies: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    let buf = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      const length = Number(/content-length: *(\d+)/i.exec(buf.subarray(0, end).toString())?.[1] ?? 0)
      if (buf.length < end + 4 + length) return
      bodies.push(buf.subarray(end + 4, end + 4 + length).toString())
      buf = buf.subarray(end + 4 + length)
      const how = treat(bodies.length)
      if (how === 'close') socket.destroy()
      else if (how === 'half-answer') socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"par')
      else socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, bodies }
}

describe('a connection the upstream closes as the request goes out on it', () => {
  it('is retried once on another connection with the same body, and the client gets the answer', async () => {
    const upstream = await rawUpstream((n) => n === 1 ? 'close' : 'answer')
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/api/prime/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":["97"]}' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
    expect(upstream.bodies).toEqual(['{"numbers":["97"]}', '{"numbers":["97"]}'])
  })

  it('is retried only once: an upstream that closes every connection gets two tries, and the client a 502 JSON', async () => {
    const upstream = await rawUpstream(() => 'close')
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/api/prime/check/97`)
    expect(res.status).toBe(502)
    expect((await res.json() as { error: { code: string } }).error.code).toBe('FRONTEND_UPSTREAM_ERROR')
    expect(upstream.bodies).toHaveLength(2)
  })

  it('is never retried once an answer has begun: a head followed by a cut body is a 502', async () => {
    const upstream = await rawUpstream(() => 'half-answer')
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/api/prime/check/97`)
    expect(res.status).toBe(502)
    expect((await res.json() as { error: { code: string } }).error.code).toBe('FRONTEND_UPSTREAM_ERROR')
    expect(upstream.bodies).toHaveLength(1)
  })
})
