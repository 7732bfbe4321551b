import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { clientGone, errorFormat } from '@inference-stack/kit'
import type { FastifyInstance } from 'fastify'
import {
  CLASSIFIER_ERRORS, V2ErrorSchema, V2InferRequestSchema, V2InferResponseSchema, V2ModelMetadataSchema, V2ModelParamsSchema, V2ModelReadySchema,
  type ClassifierConfig
} from '../contract.js'
import { InferBodyParser } from '../http/v2-body.js'
import { encodedImages, fp32Items } from '../http/v2-inputs.js'
import { toProbabilities, topK } from '../lib/postprocess.js'

const MODEL_VERSION = '1'

/** Open Inference Protocol (KServe v2) REST endpoints, so Triton and KServe clients work unchanged. */
export default async function v2Routes (app: FastifyInstance, { config }: { config: ClassifierConfig }): Promise<void> {
  const { classifier } = app
  const name = classifier.entry.name
  const outputWidth = classifier.labels.length
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  // v2 errors are `{ "error": "message" }`, not the kit's `{ error: { code, message } }`: same table, another shape.
  errorFormat(app, 'kserve')

  // Infer bodies are decoded by our parser (bounded, off the event loop when large), not fastify's JSON.parse.
  const bodies = new InferBodyParser(config.MAX_INFER_BYTES)
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', bodies.parse)
  app.addHook('onClose', async () => { await bodies.close() })

  const modelFor = (params: { name: string, version?: string }): void => {
    if (params.name !== name) throw CLASSIFIER_ERRORS.error('unknown_model', `unknown model "${params.name}"; this server serves "${name}"`)
    if (params.version !== undefined && params.version !== MODEL_VERSION) throw CLASSIFIER_ERRORS.error('unknown_version', `model "${name}" has no version "${params.version}"; it has "${MODEL_VERSION}"`)
  }
  const errors = { '4xx': V2ErrorSchema, '5xx': V2ErrorSchema }

  r.get('/v2', async () => ({ name: 'inference-stack-classifier', version: '0.1.0', extensions: ['classification'] }))
  r.get('/v2/health/live', { logLevel: 'warn' }, async () => ({ live: true }))
  r.get('/v2/health/ready', { logLevel: 'warn' }, async (_req, reply) =>
    await reply.code(classifier.isReady() ? 200 : 503).send({ ready: classifier.isReady() }))

  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    r.get(prefix, { schema: { summary: 'v2 model metadata', params: V2ModelParamsSchema, response: { 200: V2ModelMetadataSchema, ...errors } } }, async (request) => {
      modelFor(request.params)
      return {
        name,
        versions: [MODEL_VERSION],
        platform: 'onnxruntime',
        inputs: [{ name: classifier.inputName, datatype: 'FP32', shape: [-1, ...classifier.itemShape] }],
        outputs: [{ name: classifier.outputName, datatype: 'FP32', shape: [-1, outputWidth] }]
      }
    })
    r.get(`${prefix}/ready`, { schema: { summary: 'v2 model readiness', params: V2ModelParamsSchema, response: { 200: V2ModelReadySchema, 404: V2ErrorSchema, 503: V2ModelReadySchema } } }, async (request, reply) => {
      modelFor(request.params)
      return await reply.code(classifier.isReady() ? 200 : 503).send({ name, ready: classifier.isReady() })
    })
    r.post(`${prefix}/infer`, {
      bodyLimit: config.MAX_INFER_BYTES,
      onRequest: classifier.admit,
      schema: { summary: 'v2 inference: FP32 [N,3,224,224] tensor or BYTES [N] base64 images', params: V2ModelParamsSchema, body: V2InferRequestSchema, response: { 200: V2InferResponseSchema, ...errors } }
    }, async (request, reply) => {
      modelFor(request.params)
      const signal = clientGone(request, reply)
      const { inputs, outputs, id } = request.body
      if (inputs.length !== 1) throw CLASSIFIER_ERRORS.error('bad_request', `expected one input "${classifier.inputName}", got ${inputs.length}`)
      const input = inputs[0]!
      if (input.name !== classifier.inputName) throw CLASSIFIER_ERRORS.error('bad_request', `unknown input "${input.name}"; this model takes "${classifier.inputName}"`)
      for (const o of outputs ?? []) {
        if (o.name !== classifier.outputName) throw CLASSIFIER_ERRORS.error('bad_request', `unknown output "${o.name}"; this model has "${classifier.outputName}"`)
      }
      let tensors: Float32Array[]
      if (input.datatype === 'FP32') tensors = fp32Items(input, classifier.itemShape)
      else if (input.datatype === 'BYTES') tensors = (await Promise.all(encodedImages(input).map(async (image) => await classifier.prepare(request, image, signal)))).map((p) => p.tensor)
      else throw CLASSIFIER_ERRORS.error('bad_request', `input datatype "${input.datatype}" is not accepted; send FP32 tensors or BYTES (base64 images)`)
      classifier.decoded(request)

      const rows = (await Promise.all(tensors.map(async (t) => await classifier.infer(t, signal)))).map((res) => res.output)
      const k = outputs?.[0]?.parameters?.classification
      const n = rows.length
      const output = k === undefined
        ? { name: classifier.outputName, datatype: 'FP32', shape: [n, outputWidth], data: rows.flatMap((row) => Array.from(row)) }
        : {
            name: classifier.outputName,
            datatype: 'BYTES',
            shape: [n, k],
            // Classification extension: "value:index:label", value being the softmax probability.
            data: rows.flatMap((row) => topK(toProbabilities(row, classifier.entry.outputKind), k, classifier.labels).map((p) => `${p.probability}:${p.index}:${p.label}`))
          }
      return { model_name: name, model_version: MODEL_VERSION, ...(id === undefined ? {} : { id }), outputs: [output] }
    })
  }
}
