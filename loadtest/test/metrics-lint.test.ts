import { describe, expect, it } from 'vitest'
import { lintExposition, parseExposition } from '../src/metrics-lint.js'

const CLEAN = `# HELP jobs_processed_total Jobs done.
# TYPE jobs_processed_total counter
jobs_processed_total{service="x",reason="ok"} 3
# HELP job_duration_seconds Job time.
# TYPE job_duration_seconds histogram
job_duration_seconds_bucket{le="0.1",route="/check/:number"} 1
job_duration_seconds_bucket{le="+Inf",route="/check/:number"} 2
job_duration_seconds_sum{route="/check/:number"} 0.3
job_duration_seconds_count{route="/check/:number"} 2
# HELP nodejs_active_handles_total Gauge from prom-client's defaults.
# TYPE nodejs_active_handles_total gauge
nodejs_active_handles_total 4
`

describe('the exposition linter', () => {
  it('groups histogram samples under their family with labels parsed', () => {
    const families = parseExposition(CLEAN)
    const h = families.get('job_duration_seconds')
    expect(h?.type).toBe('histogram')
    expect(h?.samples).toHaveLength(4)
    expect(h?.samples[0]?.labels).toEqual({ le: '0.1', route: '/check/:number' })
    expect(families.get('jobs_processed_total')?.samples[0]?.value).toBe(3)
  })

  it('accepts conventional names and prom-client defaults', () => {
    expect(lintExposition(CLEAN)).toEqual([])
  })

  it.each([
    ['a counter without _total', '# HELP jobs Jobs.\n# TYPE jobs counter\njobs 1\n', 'ends in _total'],
    ['a gauge named _total', '# HELP queue_total Q.\n# TYPE queue_total gauge\nqueue_total 1\n', 'only counters end in _total'],
    ['milliseconds in a name', '# HELP wait_ms W.\n# TYPE wait_ms gauge\nwait_ms 1\n', 'base units'],
    ['a duration histogram without _seconds', '# HELP run_duration R.\n# TYPE run_duration histogram\nrun_duration_count 1\n', '_seconds'],
    ['an unbounded label', '# HELP hits_total H.\n# TYPE hits_total counter\nhits_total{url="/a"} 1\n', 'unbounded'],
    ['a raw URL as route', '# HELP hits_total H.\n# TYPE hits_total counter\nhits_total{route="/check/97"} 1\n', 'raw URL'],
    ['missing HELP', '# TYPE hits_total counter\nhits_total 1\n', 'HELP'],
    ['an info metric not at 1', '# HELP model_info M.\n# TYPE model_info gauge\nmodel_info{model="m"} 2\n', 'value is 1']
  ])('flags %s', (_case, text, message) => {
    const problems = lintExposition(text)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(message)
  })
})
