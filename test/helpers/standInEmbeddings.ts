import type { ServerResponse } from 'node:http';
import { StandInServer } from './standIn';

export interface EmbeddingsRequest {
  model: string;
  input: string[];
  input_type?: string;
  encoding_format?: string;
}

/** When a request arrived and was answered (performance.now()), beside what it asked. */
export interface TimedRequest {
  body: EmbeddingsRequest;
  arrived: number;
  answered?: number;
}

/** ok: answers; fail: 500; hang: never answers. */
export type StandInBehaviour = 'ok' | 'fail' | 'hang';

/**
 * A stand-in for an OpenAI-compatible embeddings service (`POST /v1/embeddings`), for the tests
 * where a failing or hanging model is the point; everything else uses the real embedded model.
 * Its vectors are made from the text's length, so equal texts get equal vectors.
 */
export class StandInEmbeddings {
  readonly requests: EmbeddingsRequest[] = [];
  readonly timeline: TimedRequest[] = [];
  behaviour: StandInBehaviour = 'ok';
  /** How long an answer takes, as a slow model's would. */
  delayMs: (request: EmbeddingsRequest) => number = () => 0;
  private readonly hanging: ServerResponse[] = [];
  private server: StandInServer | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = new StandInServer((req, raw, res) => {
      const body = JSON.parse(raw) as EmbeddingsRequest;
      this.requests.push(body);
      const timed: TimedRequest = { body, arrived: performance.now() };
      this.timeline.push(timed);
      if (this.behaviour === 'hang') {
        this.hanging.push(res);
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (this.behaviour === 'fail') {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { message: 'inference failed', type: 'server_error' } }));
        return;
      }
      const data = body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: [text.length, 1, 0],
      }));
      const answer = () => {
        timed.answered = performance.now();
        res.end(
          JSON.stringify({
            object: 'list',
            model: body.model,
            data,
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }),
        );
      };
      const delay = this.delayMs(body);
      if (delay > 0) setTimeout(answer, delay).unref();
      else answer();
    });
    this.url = `${await this.server.start()}/v1`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await this.server?.stop();
  }
}
