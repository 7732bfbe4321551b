import type { ClassifyResponse } from '@inference-stack/classifier/contract'
import type { ApiError } from './api.js'
import { capitalize, el, formatBytes, formatMs } from './dom.js'
import type { PreparedUpload } from './resize.js'

/** The classifier's answer (`POST /classify`), as its contract defines it. */
export type ClassifyAnswer = ClassifyResponse

/** The top-k list with bars, and one line of facts: model, server timings, round trip, what was sent. */
export function renderAnswer (answer: ClassifyAnswer, roundTrip: number, upload: PreparedUpload): HTMLElement[] {
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
    `inference ${formatMs(t.inference)}) · round trip ${formatMs(roundTrip)} · ${describeUpload(upload)}`
  return [
    el('p', 'answer answer-info', best ? el('span', undefined, 'Most likely: ', el('strong', undefined, capitalize(best.label))) : 'No prediction'),
    list,
    el('p', 'facts', facts)
  ]
}

/** "upload 746 KB → 109 KB (5360×3560 → 1156×768 in 296 ms)", or "upload 44 KB as is (small enough)". */
export function describeUpload ({ originalBytes, body, resized, asIs, ms }: PreparedUpload): string {
  if (resized === undefined) return `upload ${formatBytes(originalBytes)} as is${asIs === undefined ? '' : ` (${asIs})`}`
  const { from, to } = resized
  return `upload ${formatBytes(originalBytes)} → ${formatBytes(body.size)} ` +
    `(${from.width}×${from.height} → ${to.width}×${to.height} in ${formatMs(ms)})`
}

export function describeFailure (error: ApiError): [string, string] {
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
