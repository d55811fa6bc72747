// The ai kind's stand-in model: an OpenAI-compatible chat completions API that echoes the last user message, or,
// asked for structured output, answers JSON its schema accepts.
import { OUTAGE_MESSAGE, type Outage } from './outage.js';
import { startRecordingServer, type RecordedRequest, type RecordingServer, type Reply } from './recording-server.js';
import { schemaInstance } from './schema-instance.js';

interface ChatRequest {
  model?: string;
  messages?: { role: string; content: string }[];
  response_format?: { type?: string; json_schema?: { schema?: unknown } };
}

/** The reply to a request for JSON following `schema` (the `json_schema` response format). */
export type StructuredReply = (lastUserMessage: string, schema: unknown) => string;

/** What the stand-in answers by default: the simplest value the schema accepts, its strings echoing the message. */
export const structuredEcho: StructuredReply = (text, schema) => JSON.stringify(schemaInstance(schema, text));

/** An error in the shape OpenAI-compatible APIs use. */
export function modelError(status: number, message: string, headers?: Record<string, string>): Reply {
  return {
    status,
    body: { error: { message, type: 'stand_in_error', code: String(status) } },
    ...(headers ? { headers } : {}),
  };
}

function chatCompletion(request: ChatRequest, content: string, serial: number): unknown {
  const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
  const promptTokens = (request.messages ?? []).reduce((sum, message) => sum + words(String(message.content)), 0);
  const completionTokens = words(content);
  return {
    id: `chatcmpl-echo-${serial}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model ?? 'echo',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** Answers POST /v1/chat/completions with `reply(last user message)`, or `structured` when asked for a JSON Schema's
 * JSON; base URL for clients: `${url}/v1`. */
export function chatResponder(
  reply: (lastUserMessage: string) => string,
  structured: StructuredReply = structuredEcho,
): (recorded: RecordedRequest) => Reply {
  let serial = 0;
  return (recorded) => {
    if (recorded.method !== 'POST' || recorded.path.split('?')[0] !== '/v1/chat/completions')
      return modelError(404, `no route ${recorded.method} ${recorded.path}`);
    let request: ChatRequest;
    try {
      request = JSON.parse(recorded.body) as ChatRequest;
    } catch {
      return modelError(400, 'body is not JSON');
    }
    const lastUser = [...(request.messages ?? [])].reverse().find((message) => message.role === 'user');
    serial += 1;
    const text = lastUser?.content ?? '';
    const format = request.response_format;
    const content = format?.type === 'json_schema' ? structured(text, format.json_schema?.schema) : reply(text);
    return { status: 200, body: chatCompletion(request, content, serial) };
  };
}

/** During an `outage` every request is answered 503 in the API's error shape. */
export function startEchoModel(
  reply: (lastUserMessage: string) => string = (text) => `echo: ${text}`,
  outage?: Outage,
  structured: StructuredReply = structuredEcho,
): Promise<RecordingServer> {
  const respond = chatResponder(reply, structured);
  return startRecordingServer((recorded) => (outage?.down ? modelError(503, OUTAGE_MESSAGE) : respond(recorded)));
}
