// How a verification code reaches the person: a pluggable `CodeSender`. Two ship with Parley:
//
// - the webhook sender, for deployments: POSTs `{ deliveryId, phone, code, expiresInMs }` as JSON to a URL the operator
//   runs (an SMS gateway, a small function in front of Twilio, Vonage, ...), with a timeout and
//   retries; no code change is needed to plug in a provider;
// - the development sender, a simulated SMS: it prints the code and hands it to the socket that
//   asked. That lets *anyone* sign in as *any* phone number, so only explicit development setups
//   use it (the desktop app's embedded loopback server, `npm run web`, `npm run server --
//   --dev-codes`), and the app says so on screen.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from './protocol.ts';
import { isLoopbackHostname } from './origins.ts';
import { Events } from './protocol.ts';

export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export interface CodeDelivery {
  /** E.164. */
  phone: string;
  code: string;
  /** How long the code is valid, so a message can say so. */
  expiresInMs: number;
  /** The socket that asked. Only the development sender may use it. */
  requester: ChatSocket;
}

export interface CodeSender {
  /** `simulated`: the code is shown to whoever asked (development only). */
  readonly kind: 'simulated' | 'external';
  /** Resolves once the code is on its way; throws `CodeDeliveryError` when it is not. */
  send(delivery: CodeDelivery): Promise<void>;
}

/** The code did not go out: the person sees `code_delivery_failed` and may ask again. */
export class CodeDeliveryError extends Error {
  override name = 'CodeDeliveryError';
}

export interface DevelopmentCodeSenderOptions {
  /** Where the `verification code for ...` line goes; stdout by default. */
  print?: (line: string) => void;
}

export function createDevelopmentCodeSender(
  options: DevelopmentCodeSenderOptions = {},
): CodeSender {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  return {
    kind: 'simulated',
    async send({ phone, code, requester }) {
      print(`verification code for ${phone}: ${code}`);
      requester.emit(Events.verificationCodeDelivered, { phone, code });
    },
  };
}

export interface WebhookCodeSenderOptions {
  /** https: (http: only to a loopback host). */
  url: string;
  /** Sent as `Authorization: Bearer <secret>` so the receiver can refuse anyone else. */
  secret?: string;
  /** Per attempt. Default 3 s. */
  timeoutMs?: number;
  /** Attempts after the first, on a network error, a timeout or a 5xx/429. Default 2. */
  retries?: number;
  /** Wait before retry n (1-based) is `retryDelayMs * 2^(n-1)`. Default 250 ms. */
  retryDelayMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Why `url` cannot carry codes, or null when it can. */
export function webhookUrlProblem(url: string): string | null {
  const parsed = URL.parse(url);
  if (!parsed) return 'is not a URL';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be https:';
  if (parsed.protocol === 'http:' && !isLoopbackHostname(parsed.hostname)) {
    return 'must be https: (codes would cross the network in clear); http: is only for loopback';
  }
  if (parsed.username || parsed.password) return 'must not contain credentials (use the secret)';
  return null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createWebhookCodeSender(options: WebhookCodeSenderOptions): CodeSender {
  const problem = webhookUrlProblem(options.url);
  if (problem) throw new Error(`the code webhook URL ${problem}`);
  const post = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 250;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.secret) headers.authorization = `Bearer ${options.secret}`;

  /** null: delivered; otherwise why not, and whether trying again could help. */
  async function attempt(
    body: string,
    deliveryId: string,
  ): Promise<{ reason: string; retry: boolean } | null> {
    try {
      const response = await post(options.url, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': deliveryId },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      await response.body?.cancel();
      if (response.ok) return null;
      const retry = response.status >= 500 || response.status === 429;
      return { reason: `the webhook answered ${response.status}`, retry };
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      return {
        reason: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${String(error)})`,
        retry: true,
      };
    }
  }

  return {
    kind: 'external',
    async send({ phone, code, expiresInMs }) {
      // One id for every attempt of this delivery: a retry after a timeout may reach a gateway
      // that did get the first one, and the id lets it send the SMS once.
      const deliveryId = randomUUID();
      const body = JSON.stringify({ deliveryId, phone, code, expiresInMs });
      let failure: { reason: string; retry: boolean } | null = null;
      for (let index = 0; index <= retries; index += 1) {
        if (index > 0) await sleep(retryDelayMs * 2 ** (index - 1));
        failure = await attempt(body, deliveryId);
        if (!failure || !failure.retry) break;
      }
      if (failure) throw new CodeDeliveryError(`the code was not sent: ${failure.reason}`);
    },
  };
}

/**
 * The sender a command (`npm run server`, `npm run web`) was asked for: the webhook, its secret
 * taken from `PARLEY_CODE_WEBHOOK_SECRET` (never a flag: flags show in `ps`), or else the
 * simulated SMS. Throws when the webhook URL cannot carry codes.
 */
export function commandLineCodeSender(
  webhookUrl: string | undefined,
  env: Record<string, string | undefined> = process.env,
): CodeSender {
  if (webhookUrl === undefined) return createDevelopmentCodeSender();
  const secret = env.PARLEY_CODE_WEBHOOK_SECRET;
  return createWebhookCodeSender({ url: webhookUrl, ...(secret ? { secret } : {}) });
}
