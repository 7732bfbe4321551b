import { cpus, loadavg, release, totalmem, type } from 'node:os'
import type { MachineInfo } from './result.js'

export function machineInfo (): MachineInfo {
  const list = cpus()
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    loadAvg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100
  }
}
