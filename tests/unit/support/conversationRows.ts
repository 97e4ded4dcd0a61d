// How tests find a conversation's row in the sidebar. A row is named by what it shows, title
// first (then time, preview, unread count), so it is found by a name that starts with its title
// and then ends or goes on after a space: "Sidebar 1" is not "Sidebar 10".
const special = /[.*+?^${}()|[\]\\]/g;

/** The accessible name of the row titled `title`, whatever its time and preview. */
export function conversationRowName(title: string): RegExp {
  return new RegExp(`^${title.replace(special, '\\$&')}(?: |$)`);
}
