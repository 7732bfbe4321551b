import { HttpError } from '@inference-stack/kit/contract'
import { describe, expect, it } from 'vitest'
import { CLASSIFIER_ERRORS } from '../src/contract.js'
import { toHttpError } from '../src/http/errors.js'
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

  it('leaves a failed inference and anything else to the handler\'s 500', () => {
    expect(toHttpError(new BatcherError('failed', 'the session broke'))).toBeUndefined()
    expect(toHttpError(new Error('a bug'))).toBeUndefined()
  })

  it('answers the missing model without Retry-After: retrying does not install it', () => {
    expect(CLASSIFIER_ERRORS.error('no_model', 'no model is installed')).toMatchObject({ statusCode: 503, code: 'CLASSIFIER_NO_MODEL', retryAfter: false })
    expect(CLASSIFIER_ERRORS.error('no_model', 'x')).toBeInstanceOf(HttpError)
  })
})
