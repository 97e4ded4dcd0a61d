// Guessing a code in parallel through several nodes: the five tries of a code are spent in
// Redis in one atomic step before any comparison, so a burst of guesses spread over nodes and
// sockets gets no more comparisons than five sent one by one, and a right code is accepted once.
import { describe, expect, it } from 'vitest';
import type { Client } from '../server/harness.ts';
import { Limits } from '../../server/protocol.ts';
import { connectTo, request, useCluster } from './nodes.ts';

const nodes = useCluster('verify-race');

const node = (index: number): string => {
  const found = nodes[index];
  if (!found) throw new Error(`node ${index} is not running`);
  return found.url;
};

function randomPhone(): string {
  return `+1415${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
}

/** Asks for a code through `url` and returns it as the dev sender delivers it. */
async function requestCode(url: string, phone: string): Promise<string> {
  const client = await connectTo(url);
  const delivered = new Promise<{ code: string }>((resolve) =>
    client.once('verificationCodeDelivered', resolve),
  );
  const requested = await request(client, 'requestVerificationCode', { phone });
  if (!requested.ok) throw new Error(`code request failed: ${requested.error.code}`);
  return (await delivered).code;
}

/** `count` distinct 6-digit codes, none of them `right`. */
function wrongCodes(right: string, count: number): string[] {
  const codes: string[] = [];
  for (let value = Number(right) + 1; codes.length < count; value += 1) {
    codes.push(String(value % 10 ** Limits.codeLength).padStart(Limits.codeLength, '0'));
  }
  return codes;
}

type Answer = { ok: true } | { ok: false; error: { code: string; triesLeft?: number } };

describe('guessing a code through several nodes at once', () => {
  it('compares no more than five guesses however they are spread', async () => {
    // Four codes attacked one after another, each by a burst of 14 guesses: 13 wrong ones
    // and the right code, under the 15 a phone allows per hour, so the limit does not hide
    // what the code rules do (rate_limited is tolerated all the same). Seven wrong guesses
    // each have a socket of their own, four on node A and three on node B; the other six go
    // through one socket on A, followed there by the right code: sent behind six wrong
    // guesses on the same connection, it can only be compared if more than five are.
    for (let round = 0; round < 4; round += 1) {
      const phone = randomPhone();
      const code = await requestCode(node(0), phone);
      const wrong = wrongCodes(code, 13);
      const witness = await connectTo(node(0));
      const loners = await Promise.all(
        wrong.slice(6).map((_, index) => connectTo(node(index % 2 === 0 ? 0 : 1))),
      );
      const plan: Array<[Client, string]> = [
        ...wrong.slice(0, 6).map((guess): [Client, string] => [witness, guess]),
        [witness, code],
        ...wrong.slice(6).map((guess, index): [Client, string] => [loners[index]!, guess]),
      ];
      const answers = (await Promise.all(
        plan.map(([client, guess]) => request(client, 'verifyCode', { phone, code: guess })),
      )) as Answer[];
      // An answer carries triesLeft only when the guess was compared with the code (and spent
      // a try): code_incorrect with what is left, or code_dead with 0 for the guess that
      // killed it. A guess that found the code already dead answers code_dead without it.
      const outcomes = answers.map((answer) =>
        answer.ok
          ? 'ok'
          : `${answer.error.code}${answer.error.triesLeft === undefined ? '' : `(${answer.error.triesLeft})`}`,
      );
      console.info(`round ${round}: parallel guesses answered: ${outcomes.join(', ')}`);

      expect(outcomes.filter((outcome) => outcome === 'ok')).toEqual([]);
      for (const answer of answers) {
        expect(answer.ok ? 'ok' : answer.error.code).toMatch(
          /^(code_incorrect|code_dead|rate_limited)$/,
        );
      }
      const compared = answers.flatMap((answer) =>
        !answer.ok && answer.error.triesLeft !== undefined ? [answer.error.triesLeft] : [],
      );
      expect(compared.length).toBeLessThanOrEqual(Limits.codeMaxAttempts);
      // Each try is spent once, in turn: 4, 3, 2, 1 tries left, then 0 (the code dies).
      expect(compared.toSorted()).toEqual([4, 3, 2, 1, 0].slice(0, compared.length).toSorted());

      const afterwards = (await request(loners[0]!, 'verifyCode', { phone, code })) as Answer;
      expect(afterwards.ok ? 'ok' : afterwards.error.code).toMatch(/^(code_dead|rate_limited)$/);
    }
  });

  it('accepts the right code once when it arrives through several nodes at once', async () => {
    const phone = randomPhone();
    const code = await requestCode(node(0), phone);
    const sockets = [
      await connectTo(node(0)),
      await connectTo(node(0)),
      await connectTo(node(1)),
      await connectTo(node(1)),
    ];
    const answers = (await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        request(sockets[index % sockets.length]!, 'verifyCode', { phone, code }),
      ),
    )) as Answer[];
    const outcomes = answers.map((answer) => (answer.ok ? 'ok' : answer.error.code));
    console.info(`parallel right codes answered: ${outcomes.join(', ')}`);
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(1);
    // The others find it used up, or (when more than five raced) no try left.
    for (const outcome of outcomes.filter((outcome) => outcome !== 'ok')) {
      expect(['code_not_requested', 'code_dead', 'rate_limited']).toContain(outcome);
    }
  });
});
