import { Type } from 'typebox'

/** Variables every service reads. Each service spreads these into its own schema. */
export const CommonConfigSchema = {
  HOST: Type.String({ default: '127.0.0.1', description: 'interface to listen on (0.0.0.0 in containers)' }),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
  ACCESS_LOG: Type.Boolean({ default: false, description: 'log every request and answer at info level (off: they cost more than a small request)' })
}
