// Code senders (security review hole 1): the webhook sender a deployment uses, against a real
// local HTTP server standing in for an SMS gateway, and a chat server that uses it: the code
// goes to the gateway and never to the socket that asked for it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { onboardingMachine } from '../../machines/onboarding.ts';
import {
  CodeDeliveryError,
  commandLineCodeSender,
  createWebhookCodeSender,
  webhookUrlProblem,
} from '../../server/codeSender.ts';
import { createOnboardingActors } from '../../src/renderer/transport/onboardingActors.ts';
import { createOnboardingConnection } from '../../src/renderer/transport/onboardingConnection.ts';
import { collect, connect, request, settle, startTestServer, uniquePhone } from './harness.ts';

interface Received {
  method: string;
  authorization: string | undefined;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
  body: unknown;
}

type Answer = (response: ServerResponse) => void;

const gateways: { close(): void; closeAllConnections(): void }[] = [];
afterEach(() => {
  for (const gateway of gateways.splice(0)) {
    gateway.closeAllConnections();
    gateway.close();
  }
});

/** A local SMS gateway: records each POST and answers with the next scripted answer. */
async function startGateway(...answers: Answer[]) {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
        body: JSON.parse(body),
      });
      const answer = answers[received.length - 1] ?? answers.at(-1) ?? status(200);
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateways.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/sms`, received };
}

const status =
  (code: number): Answer =>
  (response) => {
    response.statusCode = code;
    response.end();
  };
/** Never answers (the request times out). */
const silence: Answer = () => {};

const delivery = (phone: string) => ({
  phone,
  code: '123456',
  expiresInMs: 600_000,
  requester: null as never,
});

describe('the webhook code sender', () => {
  it('POSTs the phone and the code as JSON, with the secret as a bearer token', async () => {
    const gateway = await startGateway(status(204));
    const sender = createWebhookCodeSender({ url: gateway.url, secret: 's3cret' });
    expect(sender.kind).toBe('external');
    await sender.send(delivery('+14155550100'));
    expect(gateway.received).toEqual([
      {
        method: 'POST',
        authorization: 'Bearer s3cret',
        contentType: 'application/json',
        idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
        body: {
          deliveryId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          phone: '+14155550100',
          code: '123456',
          expiresInMs: 600_000,
        },
      },
    ]);
    const [sent] = gateway.received as [Received & { body: { deliveryId: string } }];
    expect(sent.idempotencyKey).toBe(sent.body.deliveryId);
  });

  it('is what the commands build: the secret from the environment, or the simulated SMS', async () => {
    const gateway = await startGateway(status(200));
    const sender = commandLineCodeSender(gateway.url, { PARLEY_CODE_WEBHOOK_SECRET: 'from-env' });
    await sender.send(delivery('+14155550105'));
    expect(gateway.received[0]?.authorization).toBe('Bearer from-env');
    expect(commandLineCodeSender(undefined).kind).toBe('simulated');
    expect(() => commandLineCodeSender('http://sms.example.com/')).toThrow(/must be https/);
  });

  it('retries a 503 and a timeout, then succeeds', async () => {
    const gateway = await startGateway(status(503), silence, status(200));
    const sender = createWebhookCodeSender({ url: gateway.url, timeoutMs: 200, retryDelayMs: 1 });
    await sender.send(delivery('+14155550101'));
    expect(gateway.received).toHaveLength(3);
    // The same delivery id on every attempt, so a gateway that got the timed-out one can dedupe.
    const ids = gateway.received.map((received) => received.idempotencyKey);
    expect(new Set(ids).size).toBe(1);
  });

  it('gives up after its retries with a CodeDeliveryError that says why', async () => {
    const gateway = await startGateway(status(500));
    const sender = createWebhookCodeSender({ url: gateway.url, retries: 2, retryDelayMs: 1 });
    await expect(sender.send(delivery('+14155550102'))).rejects.toThrow(
      new CodeDeliveryError('the code was not sent: the webhook answered 500'),
    );
    expect(gateway.received).toHaveLength(3);
  });

  it('does not retry a refusal (4xx): sending the same request again cannot help', async () => {
    const gateway = await startGateway(status(400));
    const sender = createWebhookCodeSender({ url: gateway.url, retryDelayMs: 1 });
    await expect(sender.send(delivery('+14155550103'))).rejects.toBeInstanceOf(CodeDeliveryError);
    expect(gateway.received).toHaveLength(1);
  });

  it('reports an unreachable gateway as a delivery failure', async () => {
    const gateway = await startGateway();
    const url = gateway.url;
    gateways.splice(0).forEach((server) => server.close());
    const sender = createWebhookCodeSender({ url, retries: 1, retryDelayMs: 1 });
    await expect(sender.send(delivery('+14155550104'))).rejects.toThrow(/unreachable/);
  });

  it.each([
    ['http://sms.example.com/send', /must be https/],
    ['ftp://127.0.0.1/send', /must be https/],
    ['https://user:pw@sms.example.com/', /credentials/],
    ['not a url', /not a URL/],
  ])('refuses %s as a webhook URL', (url, problem) => {
    expect(webhookUrlProblem(url)).toMatch(problem);
    expect(() => createWebhookCodeSender({ url })).toThrow(problem);
  });

  it('takes https anywhere and http only on loopback', () => {
    for (const url of [
      'https://sms.example.com/send',
      'http://127.0.0.1:9000/',
      'http://localhost/x',
    ]) {
      expect(webhookUrlProblem(url)).toBeNull();
    }
  });
});

describe('a chat server with the webhook sender', () => {
  it('the takeover attack fails: the code goes to the gateway, never to the socket that asked', async () => {
    const gateway = await startGateway(status(200));
    const test = await startTestServer({
      codeSender: createWebhookCodeSender({ url: gateway.url }),
    });
    const attacker = await connect(test.url);
    const delivered = collect(attacker, 'verificationCodeDelivered');
    const victimPhone = uniquePhone();
    expect(
      await request(attacker, 'requestVerificationCode', { phone: victimPhone }),
    ).toMatchObject({
      ok: true,
    });
    await settle(attacker);
    expect(delivered).toEqual([]);
    expect(JSON.stringify(test.logs)).not.toMatch(/\b\d{6}\b.*verification code/);
    // The person who owns the phone got it, and it works.
    const sms = gateway.received[0]!.body as { phone: string; code: string };
    expect(sms.phone).toBe(victimPhone);
    expect(
      await request(attacker, 'verifyCode', { phone: victimPhone, code: sms.code }),
    ).toMatchObject({ ok: true, registered: false });
  });

  it('a failed delivery is code_delivery_failed, and the person may ask again at once', async () => {
    const gateway = await startGateway(status(502), status(502), status(502), status(200));
    const test = await startTestServer({
      codeSender: createWebhookCodeSender({ url: gateway.url, retryDelayMs: 1 }),
    });
    const client = await connect(test.url);
    const phone = uniquePhone();
    expect(await request(client, 'requestVerificationCode', { phone })).toMatchObject({
      ok: false,
      error: { code: 'code_delivery_failed', message: expect.stringContaining('try again') },
    });
    expect(test.logs.some((line) => line.includes('code not delivered'))).toBe(true);
    // Not held behind the 30 s resend countdown for a code that never arrived.
    expect(await request(client, 'requestVerificationCode', { phone })).toMatchObject({ ok: true });
  });

  it('the app tells the person, in plain words, that the code could not be sent', async () => {
    const gateway = await startGateway(status(503));
    const test = await startTestServer({
      codeSender: createWebhookCodeSender({ url: gateway.url, retryDelayMs: 1 }),
    });
    const connection = createOnboardingConnection(test.url);
    try {
      const onboarding = createActor(
        onboardingMachine.provide({ actors: createOnboardingActors(connection) }),
        { input: { locale: 'en-US' } },
      ).start();
      onboarding.send({ type: 'phone.changed', text: '4155550142' });
      onboarding.send({ type: 'phone.submitted' });
      const failed = await waitFor(onboarding, (snapshot) => snapshot.context.failure !== null);
      expect(failed.context.failure).toEqual({
        code: 'code_delivery_failed',
        message: 'We could not send the code just now. Try again in a moment.',
      });
      expect(failed.matches('phone')).toBe(true);
      onboarding.stop();
    } finally {
      connection.close();
    }
  });
});
