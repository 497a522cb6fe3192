/**
 * The HTTP server: GraphQL (Apollo Server 5 on Express 5) at /graphql, liveness at /healthz,
 * readiness at /readyz, Prometheus metrics at /metrics. Every error leaves as JSON in GraphQL's
 * `{ errors: [...] }` shape, never as a stack trace or an HTML page.
 */
// type-graphql's decorators need the Reflect metadata API before any type class loads.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { createContext, type ApiContext } from './context.ts';
import { ErrorCode } from './errors.ts';
import { apiKeyAuthPlugin } from './plugins/api-key-auth.ts';
import { depthLimitPlugin } from './plugins/depth-limit.ts';
import { errorMaskingPlugin, formatError, internalErrorMessage } from './plugins/error-masking.ts';
import { noStorePlugin } from './plugins/no-store.ts';
import { queryComplexityPlugin } from './plugins/query-complexity.ts';
import { checkReadiness, shippedMigrationCount } from './readiness.ts';
import { buildHubSchema } from './schema.ts';
import { createMetricsRegistry } from '../metrics.ts';

export interface ApiServerOptions {
  database: Database;
  config: Pick<Config, 'GRAPHQL_MAX_PAGE_SIZE' | 'GRAPHQL_MAX_DEPTH' | 'GRAPHQL_MAX_COMPLEXITY'>;
  logger: Logger;
}

export interface ListeningServer {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  close(): Promise<void>;
}

export interface ApiServer {
  app: express.Express;
  listen(port: number, host: string): Promise<ListeningServer>;
  /** Closes every listening socket, then stops Apollo Server. */
  stop(): Promise<void>;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
const maxBodySize = '1mb';
/** In-flight requests get this long to finish when the server closes. */
const closeGraceMs = 10_000;

export async function createApiServer({ database, config, logger }: ApiServerOptions): Promise<ApiServer> {
  const log = logger.child({ module: 'api' });
  const schema = await buildHubSchema();
  const apollo = new ApolloServer<ApiContext>({
    schema,
    // Apollo includes stack traces unless NODE_ENV is production or test; `npm start` sets neither.
    includeStacktraceInErrorResponses: false,
    formatError,
    logger: log,
    plugins: [
      apiKeyAuthPlugin(),
      depthLimitPlugin(config.GRAPHQL_MAX_DEPTH),
      queryComplexityPlugin({ schema, maxComplexity: config.GRAPHQL_MAX_COMPLEXITY, maxPageSize: config.GRAPHQL_MAX_PAGE_SIZE }),
      errorMaskingPlugin(),
      // No field has a cache hint: send `no-store` without hooking every field (plugins/no-store.ts).
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      ...(process.env.NODE_ENV === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  const shippedMigrations = shippedMigrationCount();
  const app = express();
  app.disable('x-powered-by');
  app.use(assignRequestId);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(database.db, shippedMigrations);
    if (readiness.ready) {
      res.json({ status: 'ready', migrations: readiness.migrations });
    } else {
      log.warn({ reason: readiness.reason }, 'not ready');
      res.status(503).json({ status: 'unavailable', reason: readiness.reason });
    }
  });

  const metrics = createMetricsRegistry(database);
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  app.use(
    '/graphql',
    express.json({ limit: maxBodySize }),
    expressMiddleware(apollo, {
      context: async ({ res }) =>
        createContext({
          db: database.db,
          maxPageSize: config.GRAPHQL_MAX_PAGE_SIZE,
          requestId: String(res.locals.requestId),
          logger: log,
        }),
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found. The GraphQL endpoint is /graphql.', extensions: { code: ErrorCode.NOT_FOUND } }] });
  });
  app.use(errorResponse(log));

  const listening = new Set<ListeningServer>();
  return {
    app,
    async listen(port, host) {
      const server = createServer(app);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const handle: ListeningServer = {
        url: `http://${hostname}:${address.port}/graphql`,
        close: async () => {
          listening.delete(handle);
          await closeServer(server);
        },
      };
      listening.add(handle);
      return handle;
    },
    async stop() {
      await Promise.all([...listening].map((handle) => handle.close()));
      await apollo.stop();
    },
  };
}

/** Takes the caller's `X-Request-Id` when it looks sane, else makes one; echoes it back. */
const assignRequestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
  res.locals.requestId = requestId;
  res.setHeader('x-request-id', requestId);
  next();
};

/**
 * Errors raised outside Apollo (body parsing, routing) as GraphQL-shaped JSON: client
 * mistakes keep their 4xx status and message (`err.expose`, set by body-parser), anything
 * else is masked like a resolver fault.
 */
function errorResponse(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    const exposed = status >= 400 && status < 500 && typeof err === 'object' && err !== null && 'expose' in err && err.expose === true;
    if (exposed) {
      const type = 'type' in err && typeof err.type === 'string' ? err.type : '';
      const detail = err instanceof Error ? err.message : 'bad request';
      const message = type === 'entity.parse.failed' ? `The request body is not valid JSON: ${detail}` : detail;
      res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    const requestId = String(res.locals.requestId);
    log.error({ err, requestId }, 'unexpected error outside GraphQL execution');
    res.status(500).json({ errors: [{ message: internalErrorMessage, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId } }] });
  };
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), closeGraceMs);
  force.unref();
  try {
    await closed;
  } finally {
    clearTimeout(force);
  }
}
