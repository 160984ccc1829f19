/**
 * Steady client traffic against a hub for fault tests: a few workers sending Claude requests one
 * after another, alternating streaming and non-streaming, each with a usage of its own (so the
 * cost every request must be billed is known), until stop(). Every answer is recorded.
 */

export interface Answer {
  requestId: string | null;
  status: number;
  /** Input tokens the fake upstream reported for this request (output is always OUTPUT_TOKENS). */
  inputTokens: number;
  stream: boolean;
  /** The body was read to its end (a stream ending in message_stop, or a whole JSON body). */
  complete: boolean;
  /** When the answer had been read to its end (Date.now()). */
  at: number;
}

export interface Traffic {
  answers: Answer[];
  /** Requests that got no HTTP answer at all (connection refused or reset). */
  failures: string[];
  /** Stops sending; resolves when every request in flight has its answer. */
  stop(): Promise<void>;
}

export const TRAFFIC_MODEL = "claude-sonnet-4-5";
export const OUTPUT_TOKENS = 100;
/** claude-sonnet-4-5 list prices in nano-USD per token ($3 and $15 per million tokens). */
const INPUT_NANO = 3_000n;
const OUTPUT_NANO = 15_000n;

/** The cost, in nano-USD, of one request of the traffic as the hub must bill it. */
export function expectedCostNano(inputTokens: number): bigint {
  return BigInt(inputTokens) * INPUT_NANO + BigInt(OUTPUT_TOKENS) * OUTPUT_NANO;
}

export function startTraffic(options: { url: () => string; key: string; workers?: number; pauseMs?: number }): Traffic {
  const answers: Answer[] = [];
  const failures: string[] = [];
  let running = true;
  let seq = 0;
  const worker = async () => {
    while (running) {
      const n = seq++;
      const stream = n % 2 === 0;
      const inputTokens = 1_000 + (n % 997);
      try {
        const res = await fetch(`${options.url()}/v1/messages`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-api-key": options.key,
            "x-fake-behaviour": JSON.stringify({ usage: { inputTokens, outputTokens: OUTPUT_TOKENS }, chunks: 3 }),
          },
          body: JSON.stringify({ model: TRAFFIC_MODEL, max_tokens: 200, stream, messages: [{ role: "user", content: `traffic ${n}` }] }),
        });
        const text = await res.text();
        const complete = stream ? text.includes("event: message_stop") : text.trimEnd().endsWith("}");
        answers.push({ requestId: res.headers.get("x-request-id"), status: res.status, inputTokens, stream, complete, at: Date.now() });
      } catch (error) {
        failures.push((error as Error).message);
        if (!running) break;
      }
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const all = Promise.all(Array.from({ length: options.workers ?? 2 }, worker));
  return {
    answers,
    failures,
    stop: async () => {
      running = false;
      await all;
    },
  };
}
