// What other workspaces read of the load tests, imported as `@inference-stack/loadtest`: the
// result file the deploy planner takes as a profile, and how it is written. No load generator,
// no child processes.
export {
  appendRows, tableRow, writeResult,
  type ClassifierRun, type LatencySummary, type LoadResult, type MachineInfo, type ServiceUsage, type WriteOptions
} from './result.js'
export { machineInfo } from './machine.js'
