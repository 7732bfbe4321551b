import { requestJson } from './api.js'
import { describeFailure, renderAnswer, type ClassifyAnswer } from './answer.js'
import { TOP_K, uploadSettings } from './classifier-status.js'
import { el, errorLine, formatBytes, launch, show } from './dom.js'
import { prepareUpload } from './resize.js'

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
    const { maxUploadBytes } = uploadSettings
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
    const upload = await prepareUpload(file, uploadSettings.resize)
    if (ticket !== latest) return
    const form = new FormData()
    form.append('image', upload.body, upload.name)
    const started = performance.now()
    const result = await requestJson<ClassifyAnswer>(`/api/classify?topk=${TOP_K}`, { method: 'POST', body: form })
    const roundTrip = performance.now() - started
    if (ticket !== latest) return
    zone.removeAttribute('aria-busy')

    if (!result.ok) {
      show(out, errorLine(...describeFailure(result.error)))
      return
    }
    show(out, ...renderAnswer(result.body, roundTrip, upload))
  }
}
