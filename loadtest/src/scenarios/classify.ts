import { loadPhotos, uploadBody } from './images.js'
import type { Scenario } from './scenario.js'

export const classify: Scenario = {
  name: 'classify',
  description: 'POST /classify with each test photo in turn, raw or multipart',
  backend: 'classifier',
  routes: ['direct', 'frontend'],
  services: (route) => route === 'frontend' ? ['classifier', 'frontend'] : ['classifier'],
  requests: async (route, opts) => (await loadPhotos()).map((photo) => ({
    method: 'POST',
    path: route === 'frontend' ? '/api/classify' : '/classify',
    ...uploadBody(photo, opts?.upload)
  }))
}
