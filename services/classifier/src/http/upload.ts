import type { FastifyInstance, FastifyRequest } from 'fastify'
import { missingImage, tooLarge, unsupportedMediaType } from './errors.js'

/** Content types taken as the raw image bytes. */
const RAW_TYPES = [/^image\/[\w.+-]+$/, 'application/octet-stream']

async function readLimited (payload: AsyncIterable<Buffer>, declared: number, limit: number): Promise<Buffer> {
  if (declared > limit) throw tooLarge(limit)
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of payload) {
    total += chunk.length
    if (total > limit) throw tooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, total)
}

/**
 * Content-type parsers of the classify scope: image/* and octet-stream bodies
 * as a Buffer up to `limit` bytes (413 with our code beyond), and a 415 with
 * our code for anything else that is not multipart.
 */
export function acceptRawImages (app: FastifyInstance, limit: number): void {
  for (const type of RAW_TYPES) {
    app.addContentTypeParser(type, async (request: FastifyRequest, payload: AsyncIterable<Buffer>) =>
      await readLimited(payload, Number(request.headers['content-length'] ?? 0), limit))
  }
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser('*', async (request: FastifyRequest) => {
    throw unsupportedMediaType(request.headers['content-type'] ?? '')
  })
}

/** The uploaded image: multipart field `image`, or the raw body. */
export async function readImage (request: FastifyRequest, limit: number): Promise<Buffer> {
  if (request.isMultipart()) {
    const part = await request.file()
    if (part === undefined || part.fieldname !== 'image') throw missingImage()
    try {
      return await part.toBuffer()
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limit)
      throw err
    }
  }
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw missingImage()
  return request.body
}
