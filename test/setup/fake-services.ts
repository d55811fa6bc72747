// Stand-ins for the third-party HTTP target and LLM API a kernel calls, built on the CLI's own stand-ins,
// plus planned responses so tests can make them fail on cue.
import { chatResponder, modelError } from '../../src/stand-ins/echo-model.js';
import { startRecordingServer, type RecordedRequest, type Reply } from '../../src/stand-ins/recording-server.js';

export type { RecordedRequest } from '../../src/stand-ins/recording-server.js';
export type PlannedResponse = Reply;

export interface FakeService {
  url: string;
  requests: RecordedRequest[];
  /** Queues responses for the next requests, in order; afterwards the default answers again. */
  plan(...responses: PlannedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeService(respond: (request: RecordedRequest) => PlannedResponse): Promise<FakeService> {
  const planned: PlannedResponse[] = [];
  const server = await startRecordingServer((recorded) => planned.shift() ?? respond(recorded));
  return {
    url: server.url,
    requests: server.requests,
    plan: (...responses) => void planned.push(...responses),
    reset() {
      server.requests.length = 0;
      planned.length = 0;
    },
    close: server.close,
  };
}

// The HTTP kind's target: accepts anything with 200 until told to fail.
export function startHttpTarget(): Promise<FakeService> {
  return startFakeService(() => ({ status: 200, body: { ok: true } }));
}

// An error in the shape OpenAI-compatible APIs use, for planned LLM failures.
export function llmError(status: number, message: string, headers?: Record<string, string>): PlannedResponse {
  return modelError(status, message, headers);
}

// An OpenAI-compatible chat API; by default it answers with a reply derived from the last user message.
export function startFakeLlm(
  reply: (lastUserMessage: string) => string = (text) => `processed: ${text}`,
): Promise<FakeService> {
  return startFakeService(chatResponder(reply));
}
