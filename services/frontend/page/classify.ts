import { requestJson, type ApiError } from './api.js'
import { capitalize, el, errorLine, formatBytes, formatMs, launch, show } from './dom.js'

/** The classifier's answer (`POST /classify`). */
interface ClassifyAnswer {
  model: string
  predictions: Array<{ index: number, label: string, probability: number }>
  timings_ms: { decode: number, queue: number, inference: number, total: number }
}

/** The frontend's and the classifier's default body limit. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024
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
    if (file) launch(classify(file), out)
  })

  async function classify (file: File): Promise<void> {
    if (file.type !== '' && !file.type.startsWith('image/')) {
      show(out, errorLine(`“${file.name}” is not an image:`, `its type is ${file.type}; choose a JPEG, PNG, WebP, GIF, TIFF or AVIF file`))
      return
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      show(out, errorLine('That file is too large:', `it is ${formatBytes(file.size)}; the limit is ${formatBytes(MAX_UPLOAD_BYTES)}`))
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
    const pct = `${(p.probability * 100).toFixed(1)}%`
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

/** Shows which model serves the image section, or why it is unavailable. */
export async function showClassifierStatus (out: HTMLElement): Promise<void> {
  const result = await requestJson<{ model?: unknown, name?: unknown, provider?: unknown, execution_provider?: unknown }>('/api/classifier/info')
  if (!result.ok) {
    out.textContent = result.error.code === 'FRONTEND_UPSTREAM_UNAVAILABLE'
      ? 'The classifier service is not running, so image classification is unavailable for now.'
      : `The classifier is not ready: ${result.error.message}.`
    out.classList.add('status-warn')
    return
  }
  const info = result.body
  const model = typeof info.model === 'string' ? info.model : typeof info.name === 'string' ? info.name : 'the model'
  const provider = info.execution_provider ?? info.provider
  out.textContent = `Top-${TOP_K} ImageNet labels from ${model}${typeof provider === 'string' ? ` on ${provider.toUpperCase()}` : ''}.`
}
