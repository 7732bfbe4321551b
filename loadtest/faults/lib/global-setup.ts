import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { machineInfo } from '../../src/machine.js'
import { FAULTS_DIR, GROUPS_DIR, type GroupResult } from './report.js'
import { faultReport } from './table.js'

/**
 * Runs around the whole fault suite: clears the previous run's group files, and at the end joins
 * what each test file wrote into one table, printed and written as faults-<time>.{json,md} and
 * latest.md under loadtest/results/faults/.
 */
export default function setup (): () => void {
  rmSync(GROUPS_DIR, { recursive: true, force: true })
  mkdirSync(GROUPS_DIR, { recursive: true })
  const machine = machineInfo()
  const startedAt = new Date().toISOString()
  return () => {
    const groups = readdirSync(GROUPS_DIR).filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(GROUPS_DIR, f), 'utf8')) as GroupResult)
    if (groups.length === 0) return
    const report = faultReport(groups, machine, startedAt)
    const stamp = startedAt.replace(/[:.]/g, '-')
    writeFileSync(join(FAULTS_DIR, `faults-${stamp}.json`), JSON.stringify({ startedAt, machine, groups }, null, 2))
    writeFileSync(join(FAULTS_DIR, `faults-${stamp}.md`), `${report}\n`)
    writeFileSync(join(FAULTS_DIR, 'latest.md'), `${report}\n`)
    process.stdout.write(`\n${report}\n\nwritten to ${join(FAULTS_DIR, `faults-${stamp}.md`)}\n`)
  }
}
