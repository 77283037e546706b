import type { DanmakuEvent, GiftEvent, Hello, LeaderboardEntry } from '../room/protocol';
import { formatCount } from './format';
import { h } from './dom';
import { icon } from './icons';

export interface ChatPanelActions {
  signIn(nickname: string): Promise<void>;
  sendDanmaku(text: string, color: string, mode: DanmakuEvent['mode']): void;
  like(): void;
  gift(giftId: string): void;
  moderate?(action: 'mute' | 'ban' | 'delete', target: { userId: string; messageId: string; nick: string }): void;
}

const COLORS: [string, string][] = [
  ['#ffffff', 'White'], ['#ff5c5c', 'Red'], ['#ffd75c', 'Yellow'], ['#6cff8a', 'Green'], ['#5cc8ff', 'Blue'], ['#d88cff', 'Purple'],
];
const MAX_ITEMS = 300;

/**
 * The room beside the video: viewers and likes, chat (history and live), sign-in, compose,
 * likes, gifts, leaderboard; moderation buttons on each message when `moderation` is on.
 */
export class ChatPanel {
  readonly root: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly viewers: HTMLElement;
  private readonly likes: HTMLElement;
  private readonly signInForm: HTMLFormElement;
  private readonly nicknameInput: HTMLInputElement;
  private readonly nicknameSave: HTMLButtonElement;
  private readonly nicknameError: HTMLElement;
  private readonly composeForm: HTMLFormElement;
  private readonly chatInput: HTMLInputElement;
  private readonly chatSend: HTMLButtonElement;
  private readonly chatColor: HTMLSelectElement;
  private readonly chatMode: HTMLSelectElement;
  private readonly chatError: HTMLElement;
  private readonly status: HTMLElement;
  private readonly likeButton: HTMLButtonElement;
  private readonly gifts: HTMLElement;
  private readonly leaderboard: HTMLOListElement;
  private likesShown = 0;
  private selfId: string | null = null;

  constructor(private readonly actions: ChatPanelActions, private readonly options: { moderation: boolean; allowSignIn: boolean }) {
    this.viewers = h('span', { id: 'viewer-count', text: '0' });
    this.likes = h('span', { id: 'like-count', text: '0' });
    this.list = h('ol', { id: 'chat-list', class: 'chat-list', 'aria-live': 'polite', 'aria-label': 'Chat messages' });
    this.status = h('p', { id: 'room-status', class: 'room-status', text: 'Joining the room…' });

    this.nicknameInput = h('input', { id: 'nickname-input', type: 'text', maxlength: 32, autocomplete: 'nickname', placeholder: 'Your nickname', 'aria-label': 'Nickname', required: true });
    this.nicknameSave = h('button', { id: 'nickname-save', type: 'submit', text: 'Join chat', 'aria-label': 'Join the chat with this nickname' });
    this.nicknameError = h('p', { id: 'nickname-error', class: 'form-error', role: 'alert' });
    this.signInForm = h('form', { id: 'nickname-form', class: 'inline-form' },
      h('label', { for: 'nickname-input', class: 'visually-hidden', text: 'Nickname' }), this.nicknameInput, this.nicknameSave, this.nicknameError);
    this.signInForm.addEventListener('submit', (ev) => { ev.preventDefault(); void this.submitNickname(); });
    this.signInForm.hidden = !options.allowSignIn;

    this.chatInput = h('input', { id: 'chat-input', type: 'text', maxlength: 100, placeholder: 'Say something…', 'aria-label': 'Danmaku message', autocomplete: 'off', disabled: true });
    this.chatSend = h('button', { id: 'chat-send', type: 'submit', text: 'Send', 'aria-label': 'Send danmaku', disabled: true });
    this.chatColor = h('select', { id: 'chat-color', 'aria-label': 'Danmaku colour' });
    for (const [value, name] of COLORS) this.chatColor.append(h('option', { value, text: name }));
    this.chatMode = h('select', { id: 'chat-mode', 'aria-label': 'Danmaku position' },
      h('option', { value: 'scroll', text: 'Scroll' }), h('option', { value: 'top', text: 'Top' }), h('option', { value: 'bottom', text: 'Bottom' }));
    this.chatError = h('p', { id: 'chat-error', class: 'form-error', role: 'alert' });
    this.composeForm = h('form', { id: 'chat-form', class: 'compose' },
      h('div', { class: 'compose-row' }, this.chatInput, this.chatSend),
      h('div', { class: 'compose-row compose-options' }, this.chatColor, this.chatMode), this.chatError);
    this.composeForm.addEventListener('submit', (ev) => { ev.preventDefault(); this.submitDanmaku(); });
    this.chatInput.addEventListener('input', () => { this.chatError.textContent = ''; });
    this.composeForm.hidden = true;

    this.likeButton = h('button', { id: 'like-button', type: 'button', class: 'like-button', 'aria-label': 'Like the stream' }, icon('heart'), 'Like');
    this.likeButton.addEventListener('click', () => this.onLike());
    this.gifts = h('div', { id: 'gift-panel', class: 'gift-panel', role: 'group', 'aria-label': 'Send a gift' });
    this.leaderboard = h('ol', { id: 'leaderboard', class: 'leaderboard', 'aria-label': 'Top gifters' });

    this.root = h('aside', { class: 'room-panel', 'aria-label': 'Room' },
      h('div', { class: 'room-stats' },
        h('span', { class: 'stat', title: 'Viewers' }, icon('eye'), this.viewers, h('span', { class: 'visually-hidden', text: ' viewers' })),
        h('span', { class: 'stat', title: 'Likes' }, icon('heart'), this.likes, h('span', { class: 'visually-hidden', text: ' likes' }))),
      this.status, this.list, this.signInForm, this.composeForm,
      h('div', { class: 'room-actions' }, this.likeButton, this.gifts),
      h('details', { class: 'leaderboard-box', open: true }, h('summary', { text: 'Leaderboard' }), this.leaderboard));
  }

  /** Shows what the signed-in state allows: the nickname form when signed out, compose when in and joined. */
  setIdentity(signedIn: boolean, roomReady: boolean, note?: string): void {
    this.signInForm.hidden = !this.options.allowSignIn || signedIn;
    this.composeForm.hidden = !signedIn;
    const enabled = signedIn && roomReady;
    this.chatInput.disabled = !enabled;
    this.chatSend.disabled = !enabled;
    this.status.textContent = note ?? (roomReady ? (signedIn ? '' : 'Read-only: pick a nickname to chat.') : 'Joining the room…');
    this.status.hidden = this.status.textContent === '';
  }

  hello(hello: Hello): void {
    this.selfId = hello.you?.id ?? null;
    this.setCounts(hello.viewers, hello.likes);
    this.setLeaderboard(hello.leaderboard);
    this.gifts.replaceChildren(...(hello.gifts ?? []).map((gift) =>
      h('button', { type: 'button', class: 'gift-button', 'data-gift': gift.id, 'aria-label': `Send ${gift.name} (${gift.price} coins)`,
        onclick: () => this.actions.gift(gift.id) }, icon('gift'), `${gift.name} · ${gift.price}`)));
  }

  setCounts(viewers: number, likes: number): void {
    this.viewers.textContent = formatCount(viewers);
    this.likesShown = likes;
    this.likes.textContent = formatCount(likes);
  }

  setLeaderboard(entries: LeaderboardEntry[]): void {
    this.leaderboard.replaceChildren(...entries.slice(0, 10).map((entry) =>
      h('li', {}, h('span', { class: 'lb-nick', text: entry.nick }), h('span', { class: 'lb-coins', text: `${formatCount(entry.coins)} coins` }))));
    if (entries.length === 0) this.leaderboard.append(h('li', { class: 'empty', text: 'No gifts yet.' }));
  }

  addDanmaku(event: DanmakuEvent): void {
    const item = h('li', { class: 'chat-item', 'data-id': event.id, 'data-user': event.user.id },
      h('span', { class: 'chat-nick', text: `${event.user.nick}: ` }),
      h('span', { class: 'chat-text', text: event.text, style: event.color && event.color.toLowerCase() !== '#ffffff' ? `color:${event.color}` : null }));
    if (this.options.moderation && event.user.id !== this.selfId && this.actions.moderate) {
      const target = { userId: event.user.id, messageId: event.id, nick: event.user.nick };
      const moderate = this.actions.moderate;
      item.append(h('span', { class: 'mod-buttons' },
        h('button', { type: 'button', class: 'mod-mute', text: 'Mute 5m', 'aria-label': `Mute ${event.user.nick} for 5 minutes`, onclick: () => moderate('mute', target) }),
        h('button', { type: 'button', class: 'mod-ban', text: 'Ban', 'aria-label': `Ban ${event.user.nick}`, onclick: () => moderate('ban', target) }),
        h('button', { type: 'button', class: 'mod-delete', text: 'Delete', 'aria-label': `Delete this message from ${event.user.nick}`, onclick: () => moderate('delete', target) })));
    }
    this.append(item);
  }

  addGift(event: GiftEvent): void {
    this.append(h('li', { class: 'chat-item chat-gift', 'data-id': event.id, 'data-user': event.user.id },
      h('span', { class: 'chat-nick', text: `${event.user.nick} ` }),
      h('span', { class: 'chat-text', text: `sent ${event.name}${event.count > 1 ? ` ×${event.count}` : ''}` })));
  }

  addNotice(text: string): void {
    this.append(h('li', { class: 'chat-notice', text }));
  }

  /** A deleted message disappears. */
  remove(messageId: string): void {
    this.list.querySelectorAll<HTMLElement>('.chat-item').forEach((el) => {
      if (el.dataset.id === messageId) el.remove();
    });
  }

  showError(code: string, message: string): void {
    this.chatError.textContent = `${code}: ${message}`;
  }

  /** Bumps the likes total at once; the next `stats` sets the real one. */
  private onLike(): void {
    this.actions.like();
    this.likesShown += 1;
    this.likes.textContent = formatCount(this.likesShown);
    this.likeButton.classList.remove('pulse');
    void this.likeButton.offsetWidth; // restart the animation
    this.likeButton.classList.add('pulse');
  }

  private append(item: HTMLElement): void {
    const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.append(item);
    while (this.list.children.length > MAX_ITEMS) this.list.firstElementChild?.remove();
    if (nearBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  private async submitNickname(): Promise<void> {
    const nickname = this.nicknameInput.value.trim();
    if (!nickname) {
      this.nicknameError.textContent = 'Pick a nickname first.';
      return;
    }
    this.nicknameSave.disabled = true;
    this.nicknameError.textContent = '';
    try {
      await this.actions.signIn(nickname);
    } catch (error) {
      this.nicknameError.textContent = (error as Error).message || 'Could not sign in.';
    } finally {
      this.nicknameSave.disabled = false;
    }
  }

  private submitDanmaku(): void {
    const text = this.chatInput.value.trim();
    if (!text || this.chatSend.disabled) return;
    this.chatError.textContent = '';
    this.actions.sendDanmaku(text, this.chatColor.value, this.chatMode.value as DanmakuEvent['mode']);
    this.chatInput.value = '';
  }
}
