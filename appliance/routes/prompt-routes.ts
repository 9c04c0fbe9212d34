/**
 * The active prompt set over REST: list, add (a new object), remove, and the audit trail. Changes
 * go through the same prompt service as the tablets', so they are stored, sent to the daemon and
 * broadcast alike; refusals are coded ({code, message}).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PromptRefusal, PromptService } from '../prompt-service.ts';
import type { Actor, Store } from '../store.ts';
import {
  AddPromptBody,
  AddPromptReply,
  ErrorReply,
  ObjectIdParams,
  PromptEventsQuery,
  PromptEventsReply,
  PromptList,
  RemovePromptReply,
} from './schemas.ts';

const STATUS_OF: Record<PromptRefusal['code'], number> = {
  PROMPT_INVALID: 400,
  PROMPT_LIMIT: 409,
  UNKNOWN_OBJECT: 404,
};

function actor(request: FastifyRequest): Actor {
  const header = request.headers['x-client-name'];
  const name = (Array.isArray(header) ? header[0] : header)?.replace(/[\p{Cc}]/gu, '').slice(0, 64);
  return name ? { clientId: 'rest', name } : { clientId: 'rest' };
}

function refuse(reply: FastifyReply, refusal: PromptRefusal): ErrorReply {
  void reply.code(STATUS_OF[refusal.code]);
  return { code: refusal.code, message: refusal.message };
}

export function promptRoutes(
  app: FastifyInstance,
  deps: { readonly prompts: PromptService; readonly store: Store },
): void {
  const errors = { 400: ErrorReply, 404: ErrorReply, 409: ErrorReply, 500: ErrorReply };

  app.get('/api/prompts', { schema: { response: { 200: PromptList, 500: ErrorReply } } }, () => ({
    prompts: deps.prompts.list(),
  }));

  app.post<{ Body: AddPromptBody }>(
    '/api/prompts',
    { schema: { body: AddPromptBody, response: { 201: AddPromptReply, ...errors } } },
    (request, reply) => {
      const { frameSeq, ...input } = request.body;
      const result = deps.prompts.add(input, actor(request), { frameSeq });
      if (!result.ok) return refuse(reply, result);
      void reply.code(201);
      return { prompt: result.value };
    },
  );

  app.delete<{ Params: ObjectIdParams }>(
    '/api/prompts/:objectId',
    { schema: { params: ObjectIdParams, response: { 200: RemovePromptReply, ...errors } } },
    (request, reply) => {
      const result = deps.prompts.remove(request.params.objectId, actor(request));
      return result.ok ? result.value : refuse(reply, result);
    },
  );

  app.get<{ Querystring: PromptEventsQuery }>(
    '/api/prompts/events',
    { schema: { querystring: PromptEventsQuery, response: { 200: PromptEventsReply, ...errors } } },
    (request) => ({ events: deps.store.promptEvents(request.query.limit ?? 100) }),
  );
}
