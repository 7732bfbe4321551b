import { loadPhotos } from './images.js'
import type { Scenario } from './scenario.js'

export const classify: Scenario = {
  name: 'classify',
  description: 'POST /classify with each shared photo in turn, as a raw image body',
  backend: 'classifier',
  routes: ['direct', 'frontend'],
  services: (route) => route === 'frontend' ? ['classifier', 'frontend'] : ['classifier'],
  requests: async (route) => (await loadPhotos()).map((photo) => ({
    method: 'POST',
    path: route === 'frontend' ? '/api/classify' : '/classify',
    headers: { 'content-type': photo.type },
    body: photo.bytes
  }))
}
