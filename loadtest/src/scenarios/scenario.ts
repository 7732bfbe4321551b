import type { LoadRequest } from '../load-request.js'
import type { ServiceName } from '../stack.js'

/** Where requests go: straight to the scenario's backend, or through the frontend's proxy routes. */
export type Route = 'direct' | 'frontend'

export interface Scenario {
  name: string
  description: string
  /** The backend this scenario exercises when run `direct`. */
  backend: ServiceName
  /** Services the local stack must run for each route. */
  services: (route: Route) => ServiceName[]
  /** Routes this scenario supports; the first is the default. */
  routes: Route[]
  requests: (route: Route, opts?: ScenarioOptions) => Promise<LoadRequest[]>
}

export interface ScenarioOptions {
  /** How images are uploaded: a raw body with the image's content type (default), or a multipart form field `image`. */
  upload?: 'raw' | 'multipart'
}

/** The prime API's path, direct or through the frontend's `/api/prime/*` proxy. */
export const primePath = (route: Route, path: string): string => route === 'frontend' ? `/api/prime${path}` : path
