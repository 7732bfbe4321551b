import type { ClassifyResponse as ClassifyAnswer, InfoResponse } from '@inference-stack/classifier/contract'
import { requestJson, type ApiError } from './api.js'
import { capitalize, el, errorLine, formatBytes, formatMs, launch, show } from './dom.js'

/** The frontend's and the classifier's default body limit; /api/classifier/info tells the real one. */
let maxUploadBytes = 20 * 1024 * 1024
const TOP_K = 5

export interface ClassifyElements { zone: HTMLElement, input: HTMLInputElement, preview: HTMLImageElement, out: HTMLElement }

export function setupClassify ({ zone, input, preview, out }: ClassifyElements): void {
  let latest = 0
  let previewUrl: string | undefined

  input.addEventListener('change', () => {
    const file = input.files?.[0]
    if (file) launch(classify(file), out)
  })
  zone.addEventListener('dragover', (event) => {
    event.preventDefault()
    zone.classList.add('dragging')
  })
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'))
  zone.addEventListener('drop', (event) => {
    event.preventDefault()
    zone.classList.remove('dragging')
    const file = event.dataTransfer?.files[0]
    if (file && !input.disabled) launch(classify(file), out)
  })

  function refuse (title: string, detail: string): void {
    ++latest
    preview.hidden = true
    zone.classList.remove('has-preview')
    show(out, errorLine(title, detail))
  }

  async function classify (file: File): Promise<void> {
    if (file.type !== '' && !file.type.startsWith('image/')) {
      refuse(`“${file.name}” is not an image:`, `its type is ${file.type}; choose a JPEG, PNG, WebP, GIF, TIFF or AVIF file`)
      return
    }
    if (file.size > maxUploadBytes) {
      refuse('That file is too large:', `it is ${formatBytes(file.size)}; the limit is ${formatBytes(maxUploadBytes)}`)
      return
    }
    if (previewUrl) URL.revokeObjectURL(previewUrl)
    previewUrl = URL.createObjectURL(file)
    preview.src = previewUrl
    preview.alt = `Preview of ${file.name}`
    preview.hidden = false
    zone.classList.add('has-preview')

    const ticket = ++latest
    zone.setAttribute('aria-busy', 'true')
    show(out, el('p', 'pending', `Classifying ${file.name} (${formatBytes(file.size)})…`))
    const form = new FormData()
    form.append('image', file, file.name)
    const started = performance.now()
    const result = await requestJson<ClassifyAnswer>(`/api/classify?topk=${TOP_K}`, { method: 'POST', body: form })
    const roundTrip = performance.now() - started
    if (ticket !== latest) return
    zone.removeAttribute('aria-busy')

    if (!result.ok) {
      show(out, errorLine(...describeFailure(result.error)))
      return
    }
    show(out, ...renderAnswer(result.body, roundTrip))
  }
}

function renderAnswer (answer: ClassifyAnswer, roundTrip: number): HTMLElement[] {
  const [best] = answer.predictions
  const list = el('ol', 'predictions')
  for (const p of answer.predictions) {
    const pct = p.probability < 0.0005 ? '<0.1%' : `${(p.probability * 100).toFixed(1)}%`
    const fill = el('span', 'bar-fill')
    fill.style.width = `${Math.max(0.5, p.probability * 100)}%`
    list.append(el('li', undefined,
      el('span', 'label', capitalize(p.label)),
      el('span', 'pct', pct),
      el('span', 'bar', fill)))
  }
  const t = answer.timings_ms
  const facts = `${answer.model} · server ${formatMs(t.total)} (decode ${formatMs(t.decode)}, queue ${formatMs(t.queue)}, ` +
    `inference ${formatMs(t.inference)}) · round trip ${formatMs(roundTrip)}`
  return [
    el('p', 'answer answer-info', best ? el('span', undefined, 'Most likely: ', el('strong', undefined, capitalize(best.label))) : 'No prediction'),
    list,
    el('p', 'facts', facts)
  ]
}

function describeFailure (error: ApiError): [string, string] {
  if (error.code === 'CLASSIFIER_NO_MODEL') return ['No model is installed:', error.message.replace(/^no model is installed: /, '')]
  switch (error.status) {
    case 0: return ['The server could not be reached:', error.message]
    case 400: return ['The image could not be read:', error.message]
    case 413: return ['The image is too large:', error.message]
    case 415: return ['This file type is not supported:', error.message]
    case 503: return [error.code === 'FRONTEND_UPSTREAM_UNAVAILABLE'
      ? 'Image classification is unavailable:'
      : 'The classifier is busy:', `${error.message}${error.retryAfter ? `; try again in ${error.retryAfter} s` : ''}`]
    case 504: return ['The classifier took too long:', error.message]
    default: return ['Classification failed:', error.message]
  }
}

/** The parts of the classifier's `GET /info` the page shows (each checked: an older classifier may lack one). */
type ClassifierInfo = Partial<Pick<InfoResponse, 'model' | 'executionProvider' | 'limits'>>

/** Turns the upload off: nothing can be classified without a model. */
function disableUpload ({ zone, input }: Pick<ClassifyElements, 'zone' | 'input'>): void {
  input.disabled = true
  zone.classList.add('disabled')
  zone.setAttribute('aria-disabled', 'true')
}

/**
 * Shows which model serves the image section, or why it is unavailable. With no model
 * installed (503 CLASSIFIER_NO_MODEL) it says so and how to install one, and turns the
 * upload off: retrying would not help.
 */
export async function showClassifierStatus (out: HTMLElement, upload: Pick<ClassifyElements, 'zone' | 'input'>): Promise<void> {
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
  const { model, executionProvider, limits } = result.body
  if (typeof limits?.maxImageBytes === 'number') {
    maxUploadBytes = limits.maxImageBytes
    const shown = document.getElementById('upload-limit')
    if (shown) shown.textContent = formatBytes(maxUploadBytes)
  }
  out.textContent = `Top-${TOP_K} ImageNet labels from ${model ?? 'the model'}` +
    `${executionProvider ? ` on ${executionProvider.toUpperCase()}` : ''}.`
}
