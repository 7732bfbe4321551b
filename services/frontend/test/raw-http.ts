import { connect, type Socket } from 'node:net'
import { onTestFinished } from 'vitest'

/** A response read off a raw socket: status, headers (names lower-case) and body. */
export interface RawAnswer { status: number, headers: Record<string, string>, body: string }

function parseAnswer (text: string): RawAnswer | undefined {
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return undefined
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const body = text.slice(end + 4)
  const length = Number(headers['content-length'] ?? body.length)
  if (Buffer.byteLength(body) < length) return undefined
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

function open (url: string): Socket {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.setNoDelay(true)
  socket.on('error', () => {})
  onTestFinished(() => { socket.destroy() })
  return socket
}

/**
 * Sends `request` (raw HTTP/1.x text) and reads one answer. `closed` says whether the server then
 * closed the connection by itself within `closeWithinMs`.
 */
export async function rawExchange (url: string, request: string, closeWithinMs = 1_000): Promise<RawAnswer & { closed: boolean }> {
  const socket = open(url)
  let text = ''
  const answer = await new Promise<RawAnswer>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1')
      const parsed = parseAnswer(text)
      if (parsed !== undefined) resolve(parsed)
    })
    socket.on('close', () => { reject(new Error(`closed before a whole answer: ${JSON.stringify(text)}`)) })
    socket.write(request)
  })
  const closed = await new Promise<boolean>((resolve) => {
    if (socket.readableEnded || socket.destroyed) { resolve(true); return }
    const timer = setTimeout(() => { resolve(false) }, closeWithinMs)
    socket.once('end', () => { clearTimeout(timer); resolve(true) })
    socket.once('close', () => { clearTimeout(timer); resolve(true) })
  })
  socket.destroy()
  return { ...answer, closed }
}

/** A client that sends its headers (and `sentFirst` bytes of its body), then one byte every `everyMs`: it never finishes. */
export interface Trickler {
  /** What the server answered and whether it closed the connection, once it did close it. */
  outcome: Promise<{ answer: RawAnswer | undefined, raw: string }>
}

export function trickle (url: string, path: string, contentType: string, declared = 500_000, everyMs = 250, sentFirst = 0): Trickler {
  const socket = open(url)
  let text = ''
  socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1') })
  socket.write(`POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: ${contentType}\r\nContent-Length: ${declared}\r\n\r\n`)
  if (sentFirst > 0) socket.write(Buffer.alloc(sentFirst, 0x78))
  const timer = setInterval(() => { if (socket.writable) socket.write('x') }, everyMs)
  onTestFinished(() => { clearInterval(timer) })
  const outcome = new Promise<{ answer: RawAnswer | undefined, raw: string }>((resolve) => {
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ answer: parseAnswer(text), raw: text })
    })
  })
  return { outcome }
}
