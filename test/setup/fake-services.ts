// Stand-ins for the third-party HTTP target and LLM API a kernel calls: the real ones are out of reach from tests.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface PlannedResponse {
  /** 200 when left out. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  /** Closes the socket without answering, as a crashed upstream would. */
  dropConnection?: boolean;
}

export interface FakeService {
  url: string;
  requests: RecordedRequest[];
  /** Queues responses for the next requests, in order; afterwards the default answers again. */
  plan(...responses: PlannedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

type DefaultResponder = (request: RecordedRequest) => PlannedResponse;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

async function answer(response: ServerResponse, planned: PlannedResponse): Promise<void> {
  if (planned.delayMs) await new Promise((resolve) => setTimeout(resolve, planned.delayMs));
  if (planned.dropConnection) {
    response.socket?.destroy();
    return;
  }
  const body = planned.body === undefined ? "" : typeof planned.body === "string" ? planned.body : JSON.stringify(planned.body);
  const contentType = typeof planned.body === "string" ? "text/plain" : "application/json";
  response.writeHead(planned.status ?? 200, { "content-type": contentType, ...planned.headers });
  response.end(body);
}

export async function startFakeService(respond: DefaultResponder): Promise<FakeService> {
  const requests: RecordedRequest[] = [];
  const planned: PlannedResponse[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const recorded: RecordedRequest = { method: request.method ?? "", path: request.url ?? "", headers: request.headers, body };
      requests.push(recorded);
      return answer(response, planned.shift() ?? respond(recorded));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    plan: (...responses) => void planned.push(...responses),
    reset() {
      requests.length = 0;
      planned.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The HTTP kind's target: accepts anything with 200 until told to fail.
export function startHttpTarget(): Promise<FakeService> {
  return startFakeService(() => ({ status: 200, body: { ok: true } }));
}

// An error in the shape OpenAI-compatible APIs use, for planned LLM failures.
export function llmError(status: number, message: string, headers?: Record<string, string>): PlannedResponse {
  return { status, body: { error: { message, type: "fake_llm_error", code: String(status) } }, ...(headers ? { headers } : {}) };
}

interface ChatRequest {
  model?: string;
  messages?: { role: string; content: string }[];
}

function chatCompletion(request: ChatRequest, content: string, serial: number): unknown {
  const promptTokens = (request.messages ?? []).reduce((sum, message) => sum + String(message.content).split(/\s+/).length, 0);
  const completionTokens = content.split(/\s+/).length;
  return {
    id: `chatcmpl-fake-${serial}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: request.model ?? "fake-model",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

// An OpenAI-compatible chat API; by default it answers with a reply derived from the last user message.
export function startFakeLlm(reply: (lastUserMessage: string) => string = (text) => `processed: ${text}`): Promise<FakeService> {
  let serial = 0;
  return startFakeService((recorded) => {
    if (recorded.method !== "POST" || recorded.path.split("?")[0] !== "/v1/chat/completions") {
      return llmError(404, `no route ${recorded.method} ${recorded.path}`);
    }
    let request: ChatRequest;
    try {
      request = JSON.parse(recorded.body) as ChatRequest;
    } catch {
      return llmError(400, "body is not JSON");
    }
    const lastUser = [...(request.messages ?? [])].reverse().find((message) => message.role === "user");
    serial += 1;
    return { status: 200, body: chatCompletion(request, reply(lastUser?.content ?? ""), serial) };
  });
}
