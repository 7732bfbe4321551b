import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { extname, join } from 'node:path'
import { IMAGES_DIR } from './assets.js'

export interface Answer {
  status: number
  contentType: string
  json: unknown
}

const ANSWER_TIMEOUT_MS = 60_000

/**
 * POSTs a test photo as the multipart field `image`, each
 * time on a new connection: one request's outcome cannot leak into the next
 * through a reused keep-alive socket.
 */
export async function postImage (url: string, file: string): Promise<Answer> {
  const form = new FormData()
  const type = extname(file) === '.png' ? 'image/png' : 'image/jpeg'
  form.append('image', new Blob([await readFile(join(IMAGES_DIR, file))], { type }), file)
  const encoded = new Request(url, { method: 'POST', body: form })
  const body = Buffer.from(await encoded.arrayBuffer())
  const headers = { 'content-type': encoded.headers.get('content-type') ?? '', 'content-length': body.length }
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers, timeout: ANSWER_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        const contentType = res.headers['content-type'] ?? ''
        resolve({ status: res.statusCode ?? 0, contentType, json: contentType.startsWith('application/json') ? JSON.parse(text) : text })
      })
    })
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${ANSWER_TIMEOUT_MS} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}
