import type { InfoResponse } from '@inference-stack/classifier/contract'
import { requestJson } from './api.js'
import { errorLine, formatBytes, show } from './dom.js'
import type { ResizeTarget } from './resize-plan.js'

/** The parts of the classifier's `GET /info` the page uses (each checked: an older classifier may lack one). */
type ClassifierInfo = Partial<Pick<InfoResponse, 'model' | 'executionProvider' | 'limits' | 'preprocessing'>>

export const TOP_K = 5

/**
 * What the upload needs from `/info`: the body limit (the frontend's and the classifier's
 * default until /info tells the real one) and, once known, the model's input size for
 * resizing in the page. Until then photos go as they are.
 */
export const uploadSettings: { maxUploadBytes: number, resize?: ResizeTarget } = { maxUploadBytes: 20 * 1024 * 1024 }

export interface UploadControls { zone: HTMLElement, input: HTMLInputElement }

/** Turns the upload off: nothing can be classified without a model. */
function disableUpload ({ zone, input }: UploadControls): void {
  input.disabled = true
  zone.classList.add('disabled')
  zone.setAttribute('aria-disabled', 'true')
}

/**
 * Shows which model serves the image section, or why it is unavailable. With no model
 * installed (503 CLASSIFIER_NO_MODEL) it says so and how to install one, and turns the
 * upload off: retrying would not help.
 */
export async function showClassifierStatus (out: HTMLElement, upload: UploadControls): Promise<void> {
  const result = await requestJson<ClassifierInfo>('/api/classifier/info')
  if (!result.ok) {
    if (result.error.code === 'CLASSIFIER_NO_MODEL') {
      disableUpload(upload)
      show(out, errorLine('No model is installed, so image classification is off.', result.error.message.replace(/^no model is installed: /, '')))
      return
    }
    out.textContent = result.error.code === 'FRONTEND_UPSTREAM_UNAVAILABLE'
      ? 'The classifier service is not running, so image classification is unavailable for now.'
      : `The classifier is not ready: ${result.error.message}.`
    out.classList.add('status-warn')
    return
  }
  const { model, executionProvider, limits, preprocessing } = result.body
  if (typeof limits?.maxImageBytes === 'number') {
    uploadSettings.maxUploadBytes = limits.maxImageBytes
    const shown = document.getElementById('upload-limit')
    if (shown) shown.textContent = formatBytes(limits.maxImageBytes)
  }
  const shortSide = preprocessing?.resizeShortSide
  if (typeof shortSide === 'number' && shortSide > 0) {
    uploadSettings.resize = { resizeShortSide: shortSide, maxInputPixels: limits?.maxInputPixels }
  }
  out.textContent = `Top-${TOP_K} ImageNet labels from ${model ?? 'the model'}` +
    `${executionProvider ? ` on ${executionProvider.toUpperCase()}` : ''}.`
}
