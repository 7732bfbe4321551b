import { connect } from 'node:net'

/** What came back on a raw connection: the status, the headers (lower-case names) and the body. */
export interface RawAnswer { status: number, headers: Record<string, string>, body: string }

/**
 * Writes `parts` to a new connection (a number between them waits that many ms) and reads until
 * the server closes it or `waitMs` passes: for requests no HTTP client would send.
 */
export async function rawExchange (port: number, parts: Array<string | number>, waitMs = 5000): Promise<RawAnswer> {
  const socket = connect(port, '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  const closed = new Promise<void>((resolve) => { socket.on('close', () => resolve()); socket.on('error', () => resolve()) })
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  for (const part of parts) {
    if (typeof part === 'number') await new Promise((resolve) => setTimeout(resolve, part))
    else if (!socket.destroyed) socket.write(part)
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, waitMs))])
  socket.destroy()
  const text = Buffer.concat(chunks).toString('latin1')
  const [head = '', ...rest] = text.split('\r\n\r\n')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') }
}
