import { HttpError } from '@inference-stack/kit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { badMultipart, missingImage, tooLarge, unsupportedMediaType } from './errors.js'

/** Content types taken as the raw image bytes. */
// Parameters (`image/jpeg; name=photo.jpg`) are allowed: the media type decides.
const RAW_TYPES = [/^image\/[\w.+-]+\s*(?:;.*)?$/i, 'application/octet-stream']

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

/**
 * What a failure to read a multipart body means: the file over the limit (413; busboy would
 * otherwise hand over the first `limit` bytes as if that were the file), the client gone (left to
 * the kit's handler), or a body that is not valid multipart: no boundary, another boundary than
 * the one declared, cut short (400, never a 500).
 */
function multipartFailure (err: unknown, request: FastifyRequest, limit: number): unknown {
  const { code, statusCode } = err as { code?: string, statusCode?: number }
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(limit)
  if (request.raw.aborted || code === 'ECONNRESET') return err
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500 && code !== undefined) return err
  return badMultipart((err as Error).message)
}

/** The uploaded image: multipart field `image`, or the raw body. */
export async function readImage (request: FastifyRequest, limit: number): Promise<Buffer> {
  if (request.isMultipart()) {
    try {
      const part = await request.file()
      if (part === undefined || part.fieldname !== 'image') throw missingImage()
      return await part.toBuffer()
    } catch (err) {
      if (err instanceof HttpError) throw err
      throw multipartFailure(err, request, limit)
    }
  }
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw missingImage()
  return request.body
}
