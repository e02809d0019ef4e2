import restify from 'restify';
import { OPERATIONS, registerApiDocs } from '../../admin';
import { ApiClient, adminEnv } from '../helpers/api';
import { useTestBot } from '../helpers/bot';

interface OpenApi {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>
  >;
}

describe('the OpenAPI description at /api/docs', () => {
  const bot = useTestBot(adminEnv);

  it('describes every route, with request bodies from the schemas the routes validate with', async () => {
    const res = await new ApiClient(bot.app.url).get<OpenApi>('/api/docs');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/tickets/{id}/claim',
        '/api/crises',
        '/api/crises/{slug}/publish',
      ]),
    );
    const newUser = res.body.paths['/api/users']!.post!.requestBody!.content['application/json']!.schema;
    expect(newUser).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['username', 'password', 'roles']),
      additionalProperties: false,
    });
    expect((newUser.properties as Record<string, { minLength?: number }>).password!.minLength).toBe(12);
  });

  it('refuses to start with a route it does not describe', () => {
    const server = restify.createServer();
    server.get('/api/secret-route', (_req, res, next) => {
      res.send(200);
      next();
    });
    expect(() => registerApiDocs(server, OPERATIONS)).toThrow('GET /api/secret-route');
  });
});
