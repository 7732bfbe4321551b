import { fork } from 'node:child_process'
import { createServer, type Socket } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { STALE_RETRIES } from '../src/lib/forwarder.js'
import { refusedUrl, startFrontend } from './helpers.js'

/**
 * How a raw upstream treats the nth request it receives (1-based): closes its connection without a
 * byte, answers part of a head then closes, or answers.
 */
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

/**
 * An upstream in a process of its own (as a service is), on a fixed port: after stopOnNext(), the
 * next request it receives makes it close every connection at once and stop listening, as a
 * service closing its idle keep-alive connections on SIGTERM does; restart() listens again.
 */
async function stoppingUpstream () {
  const script = `
    const http = require('node:http')
    let port = 0
    let stopNext = false
    let server
    const listen = () => {
      server = http.createServer((req, res) => {
        if (stopNext) { stopNext = false; server.close(); server.closeAllConnections(); process.send('stopped'); return }
        res.setHeader('content-type', 'application/json')
        res.end('{"ok":true}')
      })
      server.keepAliveTimeout = 60000
      server.listen(port, '127.0.0.1', () => { port = server.address().port; process.send('listening ' + port) })
    }
    process.on('message', (m) => { if (m === 'stop-next') { stopNext = true; process.send('armed') } else if (m === 'listen') listen() })
    listen()
  `
  const messages: string[] = []
  let waiter: (() => void) | undefined
  const next = async (prefix: string): Promise<string> => {
    for (;;) {
      const i = messages.findIndex((m) => m.startsWith(prefix))
      if (i >= 0) return messages.splice(i, 1)[0]
      await new Promise<void>((resolve) => { waiter = resolve })
    }
  }
  // fork() runs `node <modulePath> <args>`: `-e` makes it evaluate the script.
  const child = fork('-e', [script], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  child.on('message', (m) => { messages.push(String(m)); waiter?.() })
  onTestFinished(() => { child.kill() })
  const port = Number((await next('listening')).split(' ')[1])
  return {
    url: `http://127.0.0.1:${port}`,
    stopOnNext: () => { child.send('stop-next') },
    restart: async () => { await next('stopped'); child.send('listen'); await next('listening') }
  }
}

describe('a connection the upstream closes as the request goes out on it', () => {
  it('is sent again on another connection with the same body, and the client gets the answer', async () => {
    const upstream = await rawUpstream((n) => n === 1 ? 'close' : 'answer')
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/api/prime/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":["97"]}' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
    expect(upstream.bodies).toEqual(['{"numbers":["97"]}', '{"numbers":["97"]}'])
  })

  it(`is retried at most ${STALE_RETRIES} times: an upstream that closes every connection gets ${1 + STALE_RETRIES} tries, and the client a 502 JSON`, async () => {
    const upstream = await rawUpstream(() => 'close')
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/api/prime/check/97`)
    expect(res.status).toBe(502)
    expect((await res.json() as { error: { code: string } }).error.code).toBe('FRONTEND_UPSTREAM_ERROR')
    expect(upstream.bodies).toHaveLength(1 + STALE_RETRIES)
  })

  it('is refused cleanly (503, not 502) when the upstream process stops and closes all its kept-alive connections at once', async () => {
    const upstream = await stoppingUpstream()
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: await refusedUrl() })
    for (let round = 0; round < 3; round++) {
      // Connections kept alive in the frontend's pool, idle.
      const warm = await Promise.all(Array.from({ length: 32 }, async () => await fetch(`${url}/api/prime/check/97`)))
      expect(warm.map((r) => r.status)).toEqual(warm.map(() => 200))
      await Promise.all(warm.map(async (r) => await r.text()))
      // The next request the upstream receives makes it close every connection and stop listening.
      upstream.stopOnNext()
      const res = await fetch(`${url}/api/prime/check/97`)
      const body = await res.json() as { error: { code: string, message: string } }
      expect(`${res.status} ${body.error.code}`, body.error.message).toBe('503 FRONTEND_UPSTREAM_UNAVAILABLE')
      await upstream.restart()
    }
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
