import { classify } from './classify.js'
import { mixed } from './mixed.js'
import { prime300 } from './prime-300.js'
import { primeSmall } from './prime-small.js'
import type { Scenario } from './scenario.js'

export const SCENARIOS: Record<string, Scenario> = {
  [primeSmall.name]: primeSmall,
  [prime300.name]: prime300,
  [classify.name]: classify,
  [mixed.name]: mixed
}
