import OpenAI from 'openai';
import { isBrokenCircuitError, TaskCancelledError, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Lang } from '../models';
import { guardedModelCall, modelBreaker } from '../semantic';

/** Tokens one call (or several, added up) cost: what cost reports charge for. */
export interface ModelUsage {
  tokensIn: number;
  tokensOut: number;
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/**
 * Why a call gave nothing usable: the service did not answer in time, failed, is skipped while
 * the circuit is open, or answered something that is not the JSON asked for.
 */
export type ModelFailure = 'timeout' | 'unavailable' | 'circuit-open' | 'malformed';

export type ModelResult<T> =
  { ok: true; value: T; usage: ModelUsage } | { ok: false; failure: ModelFailure; usage: ModelUsage };

export interface LanguageModelOptions {
  /** Unset for a local server that needs no key. */
  apiKey?: string;
  /** Unset for OpenAI itself. */
  baseURL?: string;
  model: string;
  /** How long a call may take before the caller gets `timeout` (and the request is aborted). */
  timeoutMs: number;
  /** Consecutive failed calls (errors, timeouts) that open the circuit... */
  breakerFailures: number;
  /** ...and how long it stays open before one trial call may close it again. */
  breakerResetMs: number;
  logger: Logger;
  /** Told each call's duration and whether it was answered (the process's metrics). */
  observeRequest?: (seconds: number, ok: boolean) => void;
}

/** How prompts name the languages (models follow English instructions best). */
export const PROMPT_LANGUAGE_NAMES: Record<Lang, string> = {
  fr: 'French',
  nl: 'Dutch',
  de: 'German',
  en: 'English',
};

export const NO_USAGE: ModelUsage = { tokensIn: 0, tokensOut: 0 };
const OPENAI_URL = 'https://api.openai.com/v1';
/** The SDK insists on a key; a local OpenAI-compatible server ignores the header it makes of it. */
const NO_KEY = 'no-key';

/**
 * An OpenAI-compatible chat model (OpenAI, Azure OpenAI's v1 endpoint, a local server) asked for
 * JSON only, at temperature 0. Every call has a deadline, and a circuit breaker stops calling a
 * service that keeps failing, so a citizen never waits on a model that is down: the callers fall
 * back to what the bot does without one. Nothing here throws; failures are results.
 */
export class LanguageModel {
  private readonly client: OpenAI;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly observeRequest?: (seconds: number, ok: boolean) => void;

  constructor(options: LanguageModelOptions) {
    this.observeRequest = options.observeRequest;
    this.model = options.model;
    this.timeoutMs = options.timeoutMs;
    this.logger = options.logger;
    this.client = new OpenAI({
      apiKey: options.apiKey ?? NO_KEY,
      baseURL: options.baseURL ?? OPENAI_URL,
      // The deadline is the caller's (see complete); a retry inside it would only hide a failing service.
      maxRetries: 0,
      organization: null,
      project: null,
    });
    this.breaker = modelBreaker(options.breakerFailures, options.breakerResetMs);
    this.breaker.onBreak(() =>
      this.logger.warn(
        { retryInMs: options.breakerResetMs },
        'language model failing: circuit open, answering without it',
      ),
    );
    this.breaker.onReset(() => this.logger.info('language model answers again: circuit closed'));
  }

  /**
   * Sends the messages and parses the reply as JSON against `schema`. `timeoutMs` overrides the
   * default deadline (a communicator waiting for a translation can wait longer than a citizen).
   */
  async complete<T>(
    messages: ChatMessage[],
    schema: z.ZodType<T>,
    { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {},
  ): Promise<ModelResult<T>> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await guardedModelCall(this.breaker, timeoutMs, this.observeRequest, (signal) =>
        this.client.chat.completions.create(
          { model: this.model, messages, temperature: 0, response_format: { type: 'json_object' } },
          { signal },
        ),
      );
    } catch (error) {
      const failure: ModelFailure = isBrokenCircuitError(error)
        ? 'circuit-open'
        : // cockatiel 3.2's isTaskCancelledError tests the wrong property: check the class.
          error instanceof TaskCancelledError
          ? 'timeout'
          : 'unavailable';
      if (failure !== 'circuit-open') this.logger.warn({ err: error, failure }, 'language model call failed');
      return { ok: false, failure, usage: NO_USAGE };
    }
    const usage: ModelUsage = {
      tokensIn: completion.usage?.prompt_tokens ?? 0,
      tokensOut: completion.usage?.completion_tokens ?? 0,
    };
    const parsed = schema.safeParse(parseJson(completion.choices[0]?.message?.content));
    if (!parsed.success) {
      this.logger.warn({ usage }, 'language model answered something other than the JSON asked for');
      return { ok: false, failure: 'malformed', usage };
    }
    return { ok: true, value: parsed.data, usage };
  }
}

function parseJson(content: string | null | undefined): unknown {
  if (!content) return undefined;
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return undefined;
  }
}

/** Usage of several calls, added up. */
export function addUsage(a: ModelUsage, b: ModelUsage): ModelUsage {
  return { tokensIn: a.tokensIn + b.tokensIn, tokensOut: a.tokensOut + b.tokensOut };
}
