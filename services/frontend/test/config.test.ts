import { DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_INFER_BYTES as CLASSIFIER_MAX_INFER_BYTES } from '@inference-stack/classifier/contract'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_INFER_BYTES, DEFAULT_MAX_UPLOAD_BYTES } from '../src/contract.js'

// The frontend's image carries no classifier code, so it copies these two defaults: held to the classifier's here.
describe('the frontend\'s default body limits', () => {
  it('are the classifier\'s: MAX_IMAGE_BYTES for an upload, MAX_INFER_BYTES for a KServe v2 infer body', () => {
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBe(DEFAULT_MAX_IMAGE_BYTES)
    expect(DEFAULT_MAX_INFER_BYTES).toBe(CLASSIFIER_MAX_INFER_BYTES)
  })
})
