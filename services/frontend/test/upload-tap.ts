import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An upload as it reached the classifier. */
export interface TappedUpload { path: string, contentType: string, body: Buffer }

export interface UploadTap { url: string, uploads: TappedUpload[], close: () => Promise<void> }

/**
 * A transparent HTTP relay in front of a real service that keeps a copy of every
 * POST body: how tests and the bench see the bytes the page uploads (Chromium does
 * not report multipart bodies with file parts to playwright).
 */
export async function startUploadTap (target: string): Promise<UploadTap> {
  const uploads: TappedUpload[] = []
  const upstream = new URL(target)
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (req.method === 'POST') uploads.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body })
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) }
      delete headers['transfer-encoding']
      delete headers.expect
      const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      forward.on('error', (err) => res.writeHead(502).end(String(err)))
      forward.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    uploads,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** The `image` part of a tapped multipart upload. */
export async function uploadedImage (upload: TappedUpload): Promise<{ name: string, type: string, bytes: Buffer }> {
  const form = await new Response(new Uint8Array(upload.body), { headers: { 'content-type': upload.contentType } }).formData()
  const image = form.get('image')
  if (!(image instanceof Blob)) throw new Error(`the upload to ${upload.path} has no image part`)
  return { name: (image as File).name, type: image.type, bytes: Buffer.from(await image.arrayBuffer()) }
}
