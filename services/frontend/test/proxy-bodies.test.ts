import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { refusedUrl, startFrontend, startUpstream } from './helpers.js'

const FIVE_MB = 5 * 1024 * 1024
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/** A classifier stand-in that reports exactly which bytes and content type reached it. */
async function echoClassifier () {
  return await startUpstream((app) => {
    app.post('/classify', async (request) => {
      const body = request.body as Buffer
      return { bytes: body.length, sha256: sha256(body), type: request.headers['content-type'] }
    })
  })
}

describe('proxy request bodies', () => {
  it('forwards a 5 MB raw image body to the classifier byte-identical', async () => {
    const classifier = await echoClassifier()
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })
    const image = randomBytes(FIVE_MB)

    const res = await fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: image })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ bytes: FIVE_MB, sha256: sha256(image), type: 'image/jpeg' })
  })

  it('forwards a 5 MB multipart upload with its boundary byte-identical', async () => {
    const classifier = await echoClassifier()
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })
    const boundary = '----inference-stack-test-boundary'
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      randomBytes(FIVE_MB),
      Buffer.from(`\r\n--${boundary}--\r\n`)
    ])
    const type = `multipart/form-data; boundary=${boundary}`

    const res = await fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': type }, body })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ bytes: body.length, sha256: sha256(body), type })
  })

  it('forwards a browser-style FormData upload that the classifier can split into its parts', async () => {
    const classifier = await startUpstream((app) => {
      app.post('/classify', async (request) => {
        const parsed = await new Request('http://classifier/classify', {
          method: 'POST', headers: { 'content-type': String(request.headers['content-type']) }, body: request.body as Buffer<ArrayBuffer>
        }).formData()
        const image = parsed.get('image') as File
        return { name: image.name, type: image.type, sha256: sha256(Buffer.from(await image.arrayBuffer())) }
      })
    })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })
    const photo = randomBytes(FIVE_MB)
    const form = new FormData()
    form.append('image', new Blob([photo], { type: 'image/png' }), 'photo.png')

    const res = await fetch(`${url}/api/classify?topk=5`, { method: 'POST', body: form })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'photo.png', type: 'image/png', sha256: sha256(photo) })
  })
})
