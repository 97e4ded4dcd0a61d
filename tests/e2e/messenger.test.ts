// The messenger in a real browser against a real server: the seeded world (Vegeta's DM and the
// Capsule Corp group), the original's alternating authorship, previews, group names and
// avatars, and the typing indicator, all found by role and accessible name.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import {
  composer,
  conversationButton,
  conversationStatus,
  messages,
  openConversation,
  send,
} from './support/messenger.ts';
import { freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';
import { projectDir } from './support/webBuild.ts';
import { onboard as onboardOverProtocol, request, type TestServer } from '../server/harness.ts';

const e2e = useE2E();

const vegetaTitle = 'Vegeta Saiyan';
const groupTitle = 'Capsule Corp';

async function articleNames(page: Page): Promise<string[]> {
  return messages(page)
    .getByRole('article')
    .evaluateAll((articles) => articles.map((article) => article.getAttribute('aria-label') ?? ''));
}

describe('messenger', () => {
  it('lists the conversations after loading, with their previews', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await expect(conversationButton(page, vegetaTitle).isVisible()).resolves.toBe(true);
    await expect(conversationButton(page, groupTitle).isVisible()).resolves.toBe(true);
    // The DM shows Vegeta's picture and his opening line; the group the sender's first name.
    await expect(
      conversationButton(page, vegetaTitle).getByRole('img', { name: vegetaTitle }).isVisible(),
    ).resolves.toBe(true);
    await expect(conversationButton(page, vegetaTitle).textContent()).resolves.toContain(
      'So you finally showed up',
    );
    await expect(conversationButton(page, groupTitle).textContent()).resolves.toContain(
      'Goku: Sure thing!',
    );
    // Previews and times are drawn in the theme's secondary text colour, titles at full
    // strength (MUI 9's Typography ignores color="text.secondary"; issue 15, defect 7).
    const colours = await conversationButton(page, vegetaTitle).evaluate((row) => {
      const colourOf = (text: string) => {
        const element = [...row.querySelectorAll('p, span, bdi')].find(
          (node) => node.children.length === 0 && node.textContent?.includes(text),
        );
        return element ? getComputedStyle(element).color : 'missing';
      };
      return { title: colourOf('Vegeta Saiyan'), preview: colourOf('So you finally showed up') };
    });
    expect(colours.title).toBe('rgba(0, 0, 0, 0.87)');
    expect(colours.preview).toBe('rgba(0, 0, 0, 0.6)');
    await shots.take(page, 'conversation-list');
  });

  it('alternates the Vegeta DM between the person and Vegeta over 4 sends', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, vegetaTitle);
    await expect(articleNames(page)).resolves.toEqual([vegetaTitle]);

    await send(page, 'Hello, Vegeta.');
    await expect(conversationButton(page, vegetaTitle).textContent()).resolves.toContain(
      'You: Hello, Vegeta.',
    );
    await send(page, 'Training today?');
    await send(page, 'I will take that as a yes.');
    await send(page, 'Whatever.');

    await expect(articleNames(page)).resolves.toEqual([
      vegetaTitle, // his opening line
      'You',
      vegetaTitle,
      'You',
      vegetaTitle,
    ]);
    // Own messages sit on the right, Vegeta's on the left.
    const sides = await messages(page)
      .getByRole('article')
      .evaluateAll((articles) =>
        articles.map((article) => getComputedStyle(article).justifyContent),
      );
    expect(sides).toEqual(['flex-start', 'flex-end', 'flex-start', 'flex-end', 'flex-start']);
    // The last message is Vegeta's: no "You: " before it.
    const preview = await conversationButton(page, vegetaTitle).textContent();
    expect(preview).toContain('Whatever.');
    expect(preview).not.toContain('You: Whatever.');
    const shot = await shots.take(page, 'vegeta-dm');
    mkdirSync(path.join(projectDir, 'test-results'), { recursive: true });
    copyFileSync(shot, path.join(projectDir, 'test-results', 'messenger.png'));
  });

  it("shows a message sent on Vegeta's turn on his side while it is on its way (issue 15, defect 4)", async () => {
    const { page, shots } = e2e;
    // Between the server and the page: while `holding`, what the server says waits, so the
    // message stays on its way (no ack, no push) for as long as the test looks at it.
    let holding = false;
    const held: (() => void)[] = [];
    await page.routeWebSocket(/socket\.io/, (route) => {
      const server = route.connectToServer();
      server.onMessage((frame) => {
        if (holding) held.push(() => route.send(frame));
        else route.send(frame);
      });
      route.onMessage((frame) => server.send(frame));
    });
    // The route wraps the page's WebSocket from its next load on.
    await page.reload();
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, vegetaTitle);
    await send(page, 'My turn.');
    const mine = messages(page)
      .getByRole('article', { name: 'You' })
      .filter({ hasText: 'My turn.' });
    await mine.getByRole('img', { name: 'Read' }).waitFor({ timeout: stepTimeoutMs });

    holding = true;
    await composer(page).fill('His turn.');
    await composer(page).press('Enter');
    const his = messages(page).getByRole('article').filter({ hasText: 'His turn.' });
    await his.getByRole('img', { name: 'Sending' }).waitFor({ timeout: stepTimeoutMs });
    // Already Vegeta's, on his side, with the clock: where it will stay.
    await expect(his.getAttribute('aria-label')).resolves.toBe(vegetaTitle);
    await expect(his.evaluate((article) => getComputedStyle(article).justifyContent)).resolves.toBe(
      'flex-start',
    );
    await shots.take(page, 'vegeta-turn-sending');

    holding = false;
    for (const release of held.splice(0)) release();
    await his
      .getByRole('img', { name: 'Sending' })
      .waitFor({ state: 'detached', timeout: stepTimeoutMs });
    await expect(his.getAttribute('aria-label')).resolves.toBe(vegetaTitle);
    await expect(articleNames(page)).resolves.toEqual([vegetaTitle, 'You', vegetaTitle]);
  });

  it('lays out right-to-left text right to left: the composer, the message and the preview', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, vegetaTitle);
    const arabic = 'مرحبا يا فيجيتا';
    await composer(page).fill(arabic);
    expect(await composer(page).evaluate((input) => getComputedStyle(input).direction)).toBe('rtl');
    await composer(page).press('Enter');
    const article = messages(page).getByRole('article').filter({ hasText: arabic });
    await article.waitFor({ timeout: stepTimeoutMs });
    const textDirection = await article.evaluate((element, text) => {
      const node = [...element.querySelectorAll('div')].find(
        (candidate) => candidate.children.length === 0 && candidate.textContent === text,
      );
      return node ? getComputedStyle(node).direction : 'missing';
    }, arabic);
    expect(textDirection).toBe('rtl');
    // An empty composer, or English, stays left to right.
    expect(await composer(page).evaluate((input) => getComputedStyle(input).direction)).toBe('ltr');
    await expect
      .poll(() =>
        conversationButton(page, vegetaTitle).evaluate((row, text) => {
          const node = [...row.querySelectorAll('p')].find((p) => p.textContent?.includes(text));
          return node ? getComputedStyle(node.querySelector('bdi') ?? node).direction : 'missing';
        }, arabic),
      )
      .toBe('rtl');
    await shots.take(page, 'right-to-left');
  });

  it('previews the group with "You: " for own messages and first names for others', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, groupTitle);
    await send(page, 'Hi everyone!');
    await expect(conversationButton(page, groupTitle).textContent()).resolves.toContain(
      'You: Hi everyone!',
    );
    // The second send is a character's turn: Goku, first in the group's rotation.
    await send(page, 'Who is hungry?');
    await expect(conversationButton(page, groupTitle).textContent()).resolves.toContain(
      'Goku: Who is hungry?',
    );
    await shots.take(page, 'group-previews');
  });

  it('shows names and avatars on others’ messages in the group', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, groupTitle);
    // Earlier tests' people (all "Ada") joined the same group on this server.
    await expect(conversationStatus(page, groupTitle).textContent()).resolves.toMatch(
      /^Goku, Bulma, Piccolo(, Ada)* and you$/,
    );
    const bulma = messages(page).getByRole('article', { name: 'Bulma Briefs' }).first();
    await expect(bulma.textContent()).resolves.toContain('Bulma');
    await expect(bulma.getByRole('img', { name: 'Bulma Briefs' }).isVisible()).resolves.toBe(true);
    const goku = messages(page).getByRole('article', { name: 'Goku Son' }).first();
    await expect(goku.getByRole('img', { name: 'Goku Son' }).isVisible()).resolves.toBe(true);
    await send(page, 'Count me in.');
    const mine = messages(page).getByRole('article', { name: 'You' });
    await expect(mine.getByRole('img', { name: 'Ada Lovelace' }).count()).resolves.toBe(0);
    await shots.take(page, 'group-view');
  });

  it('shows Vegeta typing while the person drafts on his turn, as the protocol says', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, vegetaTitle);
    // The person's own turn: drafting is shown as themselves, which they do not see.
    await composer(page).pressSequentially('First');
    await composer(page).press('Enter');
    // Stored (Vegeta has no device to wait for: read at once).
    await messages(page).getByRole('img', { name: 'Read' }).first().waitFor();
    await expect(conversationStatus(page, vegetaTitle).textContent()).resolves.toBe(
      'Direct message',
    );

    // The next message will be Vegeta's, so drafting it shows him typing, in the header
    // and as "…" in his row of the list.
    await composer(page).pressSequentially('Sec');
    await conversationStatus(page, vegetaTitle)
      .getByText('Vegeta is typing…')
      .waitFor({ timeout: stepTimeoutMs });
    await conversationButton(page, vegetaTitle)
      .getByText('…', { exact: true })
      .waitFor({ timeout: stepTimeoutMs });
    await shots.take(page, 'vegeta-typing');

    // Clearing the text stops it.
    await composer(page).fill('');
    await conversationStatus(page, vegetaTitle)
      .getByText('Vegeta is typing…')
      .waitFor({ state: 'detached', timeout: stepTimeoutMs });
  });

  it('turns web links into links that open outside the app, never inside it (issue 16)', async () => {
    const { page } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, vegetaTitle);
    // No internet here: the link's host answers from the browser context itself.
    await page
      .context()
      .route('https://docs.parley.test/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<title>Parley docs</title>' }),
      );
    await send(page, 'Read https://docs.parley.test/start, not javascript:alert(1)');
    const article = messages(page).getByRole('article').filter({ hasText: 'Read https' });
    const link = article.getByRole('link', { name: 'https://docs.parley.test/start' });
    await expect(link.getAttribute('href')).resolves.toBe('https://docs.parley.test/start');
    // Only the web link is a link.
    await expect(article.getByRole('link').count()).resolves.toBe(1);

    const appUrl = page.url();
    const [opened] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await opened.waitForLoadState();
    expect(opened.url()).toBe('https://docs.parley.test/start');
    // Opened with no opener: the page cannot reach back into the app.
    await expect(opened.evaluate(() => window.opener)).resolves.toBeNull();
    expect(page.url()).toBe(appUrl);
    await opened.close();
  });

  it("shows another person's edit, reactions and deletion live, as the server pushes them (issue 16)", async () => {
    const { page } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, groupTitle);
    // Krillin signs up through the protocol on his own socket and writes in the group.
    const krillin = await onboardOverProtocol({ url: e2e.server.url } as TestServer, {
      firstName: 'Krillin',
      lastName: 'Monk',
    });
    try {
      const sent = await request(krillin.client, 'sendMessage', {
        conversationId: 'capsule-corp',
        clientMessageId: 'krillin-1',
        text: 'Destructo disc!',
      });
      expect(sent.ok).toBe(true);
      const bubble = messages(page).getByRole('article', { name: 'Krillin Monk' });
      await bubble.getByText('Destructo disc!').waitFor({ timeout: stepTimeoutMs });

      const messageId = sent.message.id as string;
      const ref = { conversationId: 'capsule-corp', messageId };
      await expect(
        request(krillin.client, 'editMessage', { ...ref, text: 'Destructo disc, twice!' }),
      ).resolves.toMatchObject({ ok: true });
      await bubble.getByText('Destructo disc, twice!').waitFor({ timeout: stepTimeoutMs });
      await bubble.getByText('edited', { exact: true }).waitFor({ timeout: stepTimeoutMs });

      await expect(
        request(krillin.client, 'reactToMessage', { ...ref, emoji: '🔥' }),
      ).resolves.toMatchObject({ ok: true });
      // Screen readers hear who reacted.
      await bubble
        .getByRole('listitem', { name: '🔥 1: Krillin Monk' })
        .waitFor({ timeout: stepTimeoutMs });

      await expect(request(krillin.client, 'deleteMessage', ref)).resolves.toMatchObject({
        ok: true,
      });
      await bubble.getByText('This message was deleted').waitFor({ timeout: stepTimeoutMs });
      await expect(bubble.getByText('Destructo disc, twice!').count()).resolves.toBe(0);
      await expect(bubble.getByRole('list', { name: 'Reactions' }).count()).resolves.toBe(0);
      await expect(conversationButton(page, groupTitle).textContent()).resolves.toContain(
        'Krillin: This message was deleted',
      );
    } finally {
      krillin.client.disconnect();
    }
  });
  it("goes to a reply's original when its quote is pressed, loading the older messages it is in (issue 16)", async () => {
    const { page, shots } = e2e;
    // Before Ada arrives, Krillin writes a message and, more than a page later (the sync brings
    // the latest 50), answers it: her sync has the reply and not the original.
    const writers = await Promise.all(
      [
        { firstName: 'Krillin', lastName: 'Monk' },
        { firstName: 'Yamcha', lastName: 'Bandit' },
      ].map((names) => onboardOverProtocol({ url: e2e.server.url } as TestServer, names)),
    );
    const [krillin, yamcha] = writers as [(typeof writers)[0], (typeof writers)[0]];
    try {
      const write = async (
        writer: typeof krillin,
        clientMessageId: string,
        text: string,
        replyToId?: string,
      ) => {
        const sent = await request(writer.client, 'sendMessage', {
          conversationId: 'capsule-corp',
          clientMessageId,
          text,
          ...(replyToId ? { replyToId } : {}),
        });
        expect(sent).toMatchObject({ ok: true });
        return sent.message.id as string;
      };
      const originalId = await write(krillin, 'k-original', 'The original: meet at the lookout');
      // Two writers, so neither reaches the send rate limit (50 in 5 s each).
      for (let index = 0; index < 30; index += 1) {
        await write(index % 2 === 0 ? yamcha : krillin, `filler-${index}`, `Filler ${index}`);
      }
      for (let index = 30; index < 60; index += 1) {
        await write(index % 2 === 0 ? yamcha : krillin, `filler-${index}`, `Filler ${index}`);
      }
      await write(krillin, 'k-reply', 'As I said', originalId);

      await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
      await openConversation(page, groupTitle);
      const original = messages(page)
        .getByRole('article')
        .filter({ hasText: 'The original: meet at the lookout' })
        // Not the reply, whose quote says it too.
        .filter({ hasNot: page.getByRole('button', { name: /^Go to the original message/ }) });
      await expect(original.count()).resolves.toBe(0);
      const quote = messages(page).getByRole('button', {
        name: 'Go to the original message from Krillin Monk: The original: meet at the lookout',
      });
      await quote.click({ timeout: stepTimeoutMs });
      // Older pages are loaded until it is there; it is centred, current and focused.
      await original.waitFor({ timeout: stepTimeoutMs });
      await expect(original.getAttribute('aria-current')).resolves.toBe('true');
      await expect(
        original.evaluate((element) => element === document.activeElement),
      ).resolves.toBe(true);
      await expect(original.isVisible()).resolves.toBe(true);
      const inView = await original.evaluate((element) => {
        const log = element.closest('[role="log"]')!.getBoundingClientRect();
        const box = element.getBoundingClientRect();
        return box.top >= log.top && box.bottom <= log.bottom;
      });
      expect(inView).toBe(true);
      await shots.take(page, 'jumped-to-original');
    } finally {
      krillin.client.disconnect();
      yamcha.client.disconnect();
    }
  });

  it('catches up on the edits and deletions made while it was offline, without reloading (issue 16)', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, groupTitle);
    const writers = await Promise.all(
      [
        { firstName: 'Tien', lastName: 'Shinhan' },
        { firstName: 'Master', lastName: 'Roshi' },
      ].map((names) => onboardOverProtocol({ url: e2e.server.url } as TestServer, names)),
    );
    const [tien, roshi] = writers as [(typeof writers)[0], (typeof writers)[0]];
    try {
      const write = async (writer: typeof tien, clientMessageId: string, text: string) => {
        const sent = await request(writer.client, 'sendMessage', {
          conversationId: 'capsule-corp',
          clientMessageId,
          text,
        });
        expect(sent).toMatchObject({ ok: true });
        return {
          ref: { conversationId: 'capsule-corp', messageId: sent.message.id as string },
          authorId: sent.message.authorId as string,
        };
      };
      // In the group every other send of a person's is authored by one of the world's people
      // (the alternation), and only one's own may be edited or deleted: Tien's 1st and 3rd.
      const { ref: toEdit, authorId: editAuthor } = await write(tien, 't-edit', 'Training at noon');
      await write(tien, 't-between', 'Who is coming?');
      const { ref: toDelete, authorId: deleteAuthor } = await write(
        tien,
        't-delete',
        'Bring the senzu beans',
      );
      expect([editAuthor, deleteAuthor]).toEqual([tien.user.id, tien.user.id]);
      const bubble = (text: string) =>
        messages(page).getByRole('article', { name: 'Tien Shinhan' }).filter({ hasText: text });
      await bubble('Bring the senzu beans').waitFor({ timeout: stepTimeoutMs });

      // Ada's connection goes; Tien edits one and deletes the other, and more than a page
      // of messages follows, so the sync after the reconnect (the latest 50) has neither.
      await page.context().setOffline(true);
      await page.getByText(/You are offline/).waitFor({ timeout: stepTimeoutMs });
      await expect(
        request(tien.client, 'editMessage', { ...toEdit, text: 'Training at one' }),
      ).resolves.toMatchObject({ ok: true });
      await expect(request(tien.client, 'deleteMessage', toDelete)).resolves.toMatchObject({
        ok: true,
      });
      for (let index = 0; index < 52; index += 1) {
        await write(index % 2 === 0 ? roshi : tien, `after-${index}`, `Meanwhile ${index}`);
      }
      await page.context().setOffline(false);
      await page
        .getByText(/You are offline/)
        .waitFor({ state: 'detached', timeout: stepTimeoutMs });
      await messages(page).getByText('Meanwhile 51').waitFor({ timeout: stepTimeoutMs });

      // Scrolled back up to them: as they are now, with no reload.
      await page.waitForFunction(
        (text) => {
          const log = document.querySelector<HTMLElement>('[role="log"][aria-label="Messages"]');
          if (!log) return false;
          const articles = [...log.querySelectorAll('[role="article"]')];
          if (articles.some((article) => article.textContent?.includes(text))) return true;
          // The log is virtualized: only the rows near the viewport exist. Up a half screen.
          log.scrollTop = Math.max(0, log.scrollTop - log.clientHeight / 2);
          return false;
        },
        'Training at one',
        { polling: 100, timeout: stepTimeoutMs },
      );
      await bubble('Training at one').waitFor({ timeout: stepTimeoutMs });
      await bubble('Training at one').getByText('edited', { exact: true }).waitFor();
      await expect(bubble('Training at noon').count()).resolves.toBe(0);
      await expect(messages(page).getByText('Bring the senzu beans').count()).resolves.toBe(0);
      await messages(page)
        .getByRole('article', { name: 'Tien Shinhan' })
        .filter({ hasText: 'This message was deleted' })
        .waitFor({ timeout: stepTimeoutMs });
      await shots.take(page, 'caught-up-after-reconnect');
    } finally {
      tien.client.disconnect();
      roshi.client.disconnect();
    }
  });
});
