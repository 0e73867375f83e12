/** Health and metrics routes. */
import type { FastifyInstance } from 'fastify';

export interface StatusRoutesOptions {
  metrics(): unknown;
  prometheus(): string | Promise<string>;
  health?(): unknown;
}

/** The overall status a health snapshot reports (`UP` when it says nothing). */
function statusOf(health: unknown): string {
  if (typeof health === 'object' && health !== null && typeof (health as { status?: unknown }).status === 'string') {
    return (health as { status: string }).status;
  }
  return 'UP';
}

export function registerStatusRoutes(app: FastifyInstance, options: StatusRoutesOptions): void {
  // Public (load balancers, orchestrators): the status word only, no details.
  app.get('/api/v1/health', {
    schema: { summary: 'Liveness: {status:"UP"} (no authentication)' },
  }, async (_request, reply) => {
    const status = statusOf(await options.health?.());
    return reply.code(status === 'UP' ? 200 : 503).send({ status });
  });

  app.get('/api/v1/health/details', {
    schema: { summary: 'Pipeline health details' },
  }, async () => (await options.health?.()) ?? { status: 'UP' });

  app.get('/api/v1/metrics', {
    schema: { summary: 'Metrics snapshot as JSON' },
  }, async () => options.metrics());

  app.get('/metrics', {
    schema: { summary: 'Metrics in the Prometheus text exposition format 0.0.4' },
  }, async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(await options.prometheus()));
}
