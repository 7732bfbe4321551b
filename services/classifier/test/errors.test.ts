import { WorkerPoolError } from '@inference-stack/kit'
import { HttpError } from '@inference-stack/kit/contract'
import { describe, expect, it } from 'vitest'
import { CLASSIFIER_ERRORS } from '../src/contract.js'
import { toHttpError } from '../src/http/errors.js'
import { AdmissionError } from '../src/lib/admission.js'
import { BatcherError } from '../src/lib/batcher.js'
import { ImageError, type ImageProblem } from '../src/lib/preprocess.js'

describe('the classifier\'s domain errors as answers of its error table', () => {
  it.each([
    ['bad_image', 400, 'CLASSIFIER_BAD_IMAGE', 'bad_input'],
    ['too_large', 413, 'CLASSIFIER_IMAGE_TOO_LARGE', 'too_large'],
    ['unsupported', 415, 'CLASSIFIER_UNSUPPORTED_IMAGE', 'unsupported']
  ] as Array<[ImageProblem, number, string, string]>)('answers an image refused as %s with %i %s, counted as %s', (kind, status, code, reason) => {
    const err = new ImageError(kind, 'what was wrong with it')
    expect(toHttpError(err)).toMatchObject({ statusCode: status, code, reason, retryAfter: false, message: 'what was wrong with it', cause: err })
  })

  it.each([
    ['queue_full', 'CLASSIFIER_QUEUE_FULL'],
    ['timeout', 'CLASSIFIER_TIMEOUT'],
    ['closed', 'CLASSIFIER_SHUTTING_DOWN']
  ] as const)('answers the batcher\'s %s with 503 %s and Retry-After', (kind, code) => {
    const err = new BatcherError(kind, 'not now')
    expect(toHttpError(err)).toMatchObject({ statusCode: 503, code, retryAfter: true, cause: err })
  })

  it('answers a queue_full with the estimate it carries of when to retry', () => {
    expect(toHttpError(new BatcherError('queue_full', 'full', { retryAfterMs: 120 }))).toMatchObject({ statusCode: 503, retryAfterMs: 120 })
    expect(toHttpError(new AdmissionError('queue_full', 'full', 35.5))).toMatchObject({ statusCode: 503, code: 'CLASSIFIER_QUEUE_FULL', retryAfterMs: 36 })
  })

  it.each([
    ['queue_full', 503, 'CLASSIFIER_QUEUE_FULL', 'queue_full'],
    ['timeout', 503, 'CLASSIFIER_TIMEOUT', 'timeout'],
    ['cancelled', 499, 'CLASSIFIER_CLIENT_GONE', 'client_gone']
  ] as const)('answers decode admission\'s %s with %i %s, counted as %s', (kind, status, code, reason) => {
    expect(toHttpError(new AdmissionError(kind, 'not now'))).toMatchObject({ statusCode: status, code, reason })
  })

  it('answers a batch whose worker died 503 CLASSIFIER_WORKER_FAILED and one whose run threw 503 CLASSIFIER_INFERENCE_FAILED, both with Retry-After', () => {
    const died = new BatcherError('failed', 'the worker stopped', { cause: new WorkerPoolError('worker_failed', 'the worker stopped') })
    expect(toHttpError(died)).toMatchObject({ statusCode: 503, code: 'CLASSIFIER_WORKER_FAILED', reason: 'worker_failed', retryAfter: true, message: 'the worker stopped; a new worker is being started, retry shortly' })
    const threw = new BatcherError('failed', 'CUDA failure 700', { cause: new WorkerPoolError('task_failed', 'CUDA failure 700') })
    expect(toHttpError(threw)).toMatchObject({ statusCode: 503, code: 'CLASSIFIER_INFERENCE_FAILED', reason: 'worker_failed', retryAfter: true, message: 'CUDA failure 700' })
    expect(toHttpError(new BatcherError('cancelled', 'gone'))).toMatchObject({ statusCode: 499, code: 'CLASSIFIER_CLIENT_GONE' })
  })

  it('leaves a batch that failed for another reason, and anything else, to the handler\'s 500', () => {
    expect(toHttpError(new BatcherError('failed', 'the session broke'))).toBeUndefined()
    expect(toHttpError(new Error('a bug'))).toBeUndefined()
  })

  it('answers the missing model without Retry-After: retrying does not install it', () => {
    expect(CLASSIFIER_ERRORS.error('no_model', 'no model is installed')).toMatchObject({ statusCode: 503, code: 'CLASSIFIER_NO_MODEL', retryAfter: false })
    expect(CLASSIFIER_ERRORS.error('no_model', 'x')).toBeInstanceOf(HttpError)
  })
})
