import type { ServerResponse } from 'node:http';
import { StandInServer } from './standIn';

export interface EmbeddingsRequest {
  model: string;
  input: string[];
  input_type?: string;
  encoding_format?: string;
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
  behaviour: StandInBehaviour = 'ok';
  private readonly hanging: ServerResponse[] = [];
  private server: StandInServer | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = new StandInServer((req, raw, res) => {
      const body = JSON.parse(raw) as EmbeddingsRequest;
      this.requests.push(body);
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
      res.end(
        JSON.stringify({
          object: 'list',
          model: body.model,
          data,
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
    });
    this.url = `${await this.server.start()}/v1`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await this.server?.stop();
  }
}
