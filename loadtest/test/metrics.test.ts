import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lintExposition, parseExposition, type MetricFamily } from '../src/metrics-lint.js'
import { startStack, type ServiceName, type Stack } from '../src/stack.js'
import { scrape, sendTraffic } from './traffic.js'

const SERVICES: ServiceName[] = ['prime', 'classifier', 'frontend']
let stack: Stack
const exposition: Partial<Record<ServiceName, string>> = {}

beforeAll(async () => {
  stack = await startStack({ services: SERVICES })
  await sendTraffic(stack)
  for (const s of SERVICES) exposition[s] = await scrape(stack.metricsUrls[s] as string)
})
afterAll(async () => { await stack?.close() })

function family (service: ServiceName, name: string): MetricFamily {
  const f = parseExposition(exposition[service] ?? '').get(name)
  if (f === undefined) throw new Error(`${service} does not expose ${name}`)
  return f
}

const labelValues = (f: MetricFamily, label: string): Set<string> =>
  new Set(f.samples.map((s) => s.labels[label]).filter((v): v is string => v !== undefined))

describe('service metrics after real traffic', () => {
  it.each(SERVICES)('%s follows Prometheus naming conventions', (service) => {
    expect(lintExposition(exposition[service] ?? '')).toEqual([])
  })

  it.each(SERVICES)('%s exposes default process metrics labelled with its service name', (service) => {
    const rss = family(service, 'process_resident_memory_bytes')
    expect(rss.type).toBe('gauge')
    expect(labelValues(rss, 'service')).toEqual(new Set([service]))
    expect(family(service, 'process_cpu_seconds_total').type).toBe('counter')
  })

  it('records HTTP durations by route pattern, method and status code', () => {
    const prime = family('prime', 'http_request_duration_seconds')
    expect(prime.type).toBe('histogram')
    const routes = labelValues(prime, 'route')
    expect([...routes].some((r) => r.startsWith('/check/:'))).toBe(true)
    expect(routes.has('/check')).toBe(true)
    expect(labelValues(prime, 'status_code')).toEqual(new Set(['200', '400']))
    expect(labelValues(prime, 'method')).toEqual(new Set(['GET', 'POST']))
    const frontendRoutes = labelValues(family('frontend', 'http_request_duration_seconds'), 'route')
    expect([...frontendRoutes].some((r) => r.startsWith('/api/prime'))).toBe(true)
    expect(labelValues(family('classifier', 'http_request_duration_seconds'), 'route')).toContain('/classify')
  })

  it('records prime check durations by digit-count bucket', () => {
    const checks = family('prime', 'prime_check_duration_seconds')
    expect(checks.type).toBe('histogram')
    const digits = labelValues(checks, 'digits')
    expect(digits.size).toBeGreaterThanOrEqual(2)
    expect(digits.size).toBeLessThanOrEqual(12)
  })

  it('exposes the classifier queue, batch, inference and model metrics', () => {
    for (const name of ['classifier_queue_wait_seconds', 'classifier_batch_size', 'classifier_inference_duration_seconds', 'classifier_preprocess_duration_seconds']) {
      expect(family('classifier', name).type, name).toBe('histogram')
    }
    expect(family('classifier', 'classifier_queue_depth').type).toBe('gauge')
    const rejected = family('classifier', 'classifier_rejected_requests_total')
    expect(rejected.type).toBe('counter')
    expect(labelValues(rejected, 'reason')).toContain('bad_input')
    expect(family('classifier', 'classifier_images_total').type).toBe('counter')
    expect(family('classifier', 'classifier_model_load_seconds').type).toBe('gauge')
    const batches = family('classifier', 'classifier_batch_size').samples.find((s) => s.name === 'classifier_batch_size_count')
    expect(batches?.value).toBeGreaterThanOrEqual(1)
    const [info] = family('classifier', 'classifier_model_info').samples
    expect(info?.value).toBe(1)
    expect(info?.labels).toMatchObject({ model: 'mobilenetv2-12-int8', execution_provider: 'cpu' })
    expect(info?.labels.sha256_prefix).toMatch(/^[0-9a-f]{8,}$/)
  })
})
