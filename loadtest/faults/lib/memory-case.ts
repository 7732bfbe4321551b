import { expect } from 'vitest'
import type { FaultStack } from './fault-stack.js'
import { MemoryPeaks } from './memory.js'
import type { FaultGroup } from './report.js'
import { memoryLimitMiB } from './settings.js'

/**
 * Watches the stack's memory from now on (call it when the file starts); `check(group)` adds the
 * case, to run after the others: every service stayed under its compose memory limit throughout.
 */
export function watchMemory (stack: FaultStack): { check: (group: FaultGroup) => void } {
  const memory = new MemoryPeaks(() => stack.pids)
  return {
    check: (group) => group.case('every service stayed under its memory limit (compose.yaml) throughout', async () => {
      const peaks = memory.stop()
      group.note(`memory peak (anonymous RSS) ${Object.entries(peaks).map(([s, v]) => `${s} ${v} MiB`).join(', ')}`)
      for (const [service, peak] of Object.entries(peaks)) expect(peak, service).toBeLessThan(memoryLimitMiB(service as 'prime'))
    })
  }
}
