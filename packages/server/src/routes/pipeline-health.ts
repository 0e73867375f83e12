/**
 * `GET /api/v1/pipeline/health`: per sensor and stage rates over the last minute, invalid and error
 * counts with the error-index search that lists them, lag per stage (end vs committed offsets), and
 * a `silent` / `low` warning per sensor (the rule is documented in @metron/pipeline health.ts and
 * docs). The answer is 200 whatever the state: the public `GET /api/v1/health` is the probe.
 */
import type { FastifyInstance } from 'fastify';

export function registerPipelineHealthRoutes(app: FastifyInstance, report: () => Promise<unknown> | unknown): void {
  app.get('/api/v1/pipeline/health', {
    schema: { summary: 'Pipeline health per sensor and stage: rates, errors, lag, and silent / low-rate warnings' },
  }, async () => report());
}
