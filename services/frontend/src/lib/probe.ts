import type { ReadinessCheck } from '@inference-stack/kit'
import { rootCode, type Upstream } from './upstream.js'

/** A readiness check that passes when the upstream's `/healthz` answers 2xx within `timeoutMs`. */
export function healthProbe (upstream: Upstream, timeoutMs: number): ReadinessCheck {
  const target = new URL('/healthz', upstream.url)
  return async () => {
    try {
      const res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) })
      await res.body?.cancel()
      return res.ok ? true : `GET ${target} answered ${res.status}`
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') return `GET ${target} gave no answer within ${timeoutMs} ms`
      return `${upstream.name} unreachable at ${upstream.url} (${rootCode(err) ?? (err as Error).message})`
    }
  }
}
