import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { clientGone } from '@inference-stack/kit'
import type { FastifyInstance } from 'fastify'
import { ClassifyBodySchema, ClassifyQuerySchema, ClassifyResponseSchema, DEFAULT_TOPK, ErrorSchema, type ClassifierConfig } from '../contract.js'
import { acceptRawImages, readImage } from '../http/upload.js'
import { toProbabilities, topK } from '../lib/postprocess.js'

/** `POST /classify`: admission -> upload -> sharp tensor -> batch queue -> onnxruntime -> top-k labels. */
export default async function classifyRoutes (app: FastifyInstance, { config }: { config: ClassifierConfig }): Promise<void> {
  // Multipart lives in this scope only (the frontend's proxy must see raw bodies).
  await app.register(multipart, { limits: { fileSize: config.MAX_IMAGE_BYTES, files: 1, fields: 10, parts: 20 } })
  acceptRawImages(app, config.MAX_IMAGE_BYTES)
  const { classifier } = app

  app.withTypeProvider<TypeBoxTypeProvider>().post('/classify', {
    bodyLimit: config.MAX_IMAGE_BYTES,
    // 0. a place in decode admission, or 503 at once, before the body is read
    onRequest: classifier.admit,
    schema: {
      summary: 'Classify one image',
      description: 'Send multipart/form-data with a file field `image`, or the image bytes as the body with an image/* (or application/octet-stream) content type.',
      querystring: ClassifyQuerySchema,
      body: ClassifyBodySchema,
      response: { 200: ClassifyResponseSchema, '4xx': ErrorSchema, '5xx': ErrorSchema }
    }
  }, async (request, reply) => {
    const started = performance.now()
    // Work for a client that has gone is dropped wherever it waits.
    const signal = clientGone(request, reply)
    // 1. the upload
    const image = await readImage(request, config.MAX_IMAGE_BYTES)
    // 2. header, a decode slot, sharp -> Float32 NCHW
    const { tensor, waitMs, ms: decodeMs } = await classifier.prepare(request, image, signal)
    classifier.decoded(request)
    // 3 + 4. the batch queue and onnxruntime in a worker thread
    const { output, queueMs, inferenceMs } = await classifier.infer(tensor, signal)
    // 5. softmax -> top-k labels
    const predictions = topK(toProbabilities(output, classifier.entry.outputKind), request.query.topk ?? DEFAULT_TOPK, classifier.labels)
    const round = (ms: number): number => Math.round(ms * 100) / 100
    return {
      model: classifier.entry.name,
      predictions,
      timings_ms: { decode_wait: round(waitMs), decode: round(decodeMs), queue: round(queueMs), inference: round(inferenceMs), total: round(performance.now() - started) }
    }
  })
}
