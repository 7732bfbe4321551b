import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { ClassifierMetrics, RejectReason } from '../lib/metrics.js'

/** The metric reason for a refused request, from its error's code and status. */
export function rejectReason (err: { code?: string, statusCode?: number }): RejectReason | undefined {
  const code = err.code ?? ''
  if (code.endsWith('QUEUE_FULL')) return 'queue_full'
  if (code.endsWith('TIMEOUT')) return 'timeout'
  const status = err.statusCode ?? 500
  if (status === 413) return 'too_large'
  if (status === 415) return 'unsupported'
  if (status >= 400 && status < 500) return 'bad_input'
  return undefined
}

/** An onError hook counting `classifier_rejected_requests_total{reason}`. */
export function countRejections (metrics: ClassifierMetrics) {
  return async function onError (_request: FastifyRequest, _reply: FastifyReply, err: FastifyError): Promise<void> {
    const reason = rejectReason(err)
    if (reason !== undefined) metrics.rejected.inc({ reason })
  }
}
