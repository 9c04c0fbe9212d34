/**
 * Answers control requests (hello, setPrompts, pause/resume, modelInfo, switchModel). A long
 * operation (model switch) replies when it is done, with success or a coded error.
 */
import { isEngineError } from '../engine/errors.ts';
import type { ModelHost } from '../engine/model-host.ts';
import type { PromptSpec, Reply, Request } from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/version.ts';

export interface ControlState {
  readonly bootId: string;
  readonly host: ModelHost;
  prompts: Map<string, PromptSpec>;
  paused: boolean;
}

function ok(id: number, result: unknown): Reply {
  return { v: PROTOCOL_VERSION, kind: 'reply', id, ok: true, result };
}

export function failure(id: number, code: string, message: string): Reply {
  return { v: PROTOCOL_VERSION, kind: 'reply', id, ok: false, error: { code, message } };
}

function modelInfo(state: ControlState) {
  const info = state.host.info();
  return {
    modelId: info.modelId,
    modelSha256: info.modelSha256,
    family: info.family,
    executionProvider: info.encoderProvider,
  };
}

export async function handleRequest(req: Request, state: ControlState): Promise<Reply> {
  switch (req.op) {
    case 'hello':
      return ok(req.id, {
        protocolVersion: PROTOCOL_VERSION,
        bootId: state.bootId,
        ...modelInfo(state),
      });
    case 'setPrompts': {
      const ids = new Set(req.prompts.map((p) => p.objectId));
      if (ids.size !== req.prompts.length)
        return failure(req.id, 'PROMPT_INVALID', 'duplicate objectId');
      for (const p of req.prompts) {
        if (p.points.length === 0 && !p.box) {
          return failure(
            req.id,
            'PROMPT_INVALID',
            `object ${p.objectId} has neither points nor a box`,
          );
        }
      }
      state.prompts = new Map(req.prompts.map((p) => [p.objectId, p]));
      return ok(req.id, { promptCount: state.prompts.size });
    }
    case 'pause':
      state.paused = true;
      return ok(req.id, { paused: true });
    case 'resume':
      state.paused = false;
      return ok(req.id, { paused: false });
    case 'modelInfo':
      return ok(req.id, modelInfo(state));
    case 'switchModel':
      try {
        await state.host.switchTo(req.modelId);
        return ok(req.id, modelInfo(state));
      } catch (e) {
        return isEngineError(e)
          ? failure(req.id, e.code, e.message)
          : failure(req.id, 'MODEL_SWITCH_FAILED', String(e));
      }
  }
}
