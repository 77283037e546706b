import type { DanmakuEvent, GiftEvent, Hello, LeaderboardEntry } from '../room/protocol';
import { formatCount, has, t } from '../i18n';
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
  ['#ffffff', 'colour.white'], ['#ff5c5c', 'colour.red'], ['#ffd75c', 'colour.yellow'], ['#6cff8a', 'colour.green'], ['#5cc8ff', 'colour.blue'], ['#d88cff', 'colour.purple'],
];

/** A gift's name in the page language when the catalogs know its id, else the server's name (a custom catalog). */
export function giftName(giftId: string, serverName: string): string {
  return has(`gift.${giftId}`) ? t(`gift.${giftId}`) : serverName;
}

/** "sent Rocket ×2" / "送出 火箭 ×2"; `prefix` "chat.giftBurst" adds the sender. */
export function giftText(prefix: 'chat.giftSent' | 'chat.giftBurst', event: GiftEvent): string {
  const params = { nick: event.user.nick, gift: giftName(event.giftId, event.name), count: event.count };
  return t(event.count > 1 ? `${prefix}Many` : prefix, params);
}

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
  private readonly giftOpen: HTMLButtonElement;
  private readonly sheet: HTMLElement;
  private likesShown = 0;
  private selfId: string | null = null;

  constructor(private readonly actions: ChatPanelActions, private readonly options: { moderation: boolean; allowSignIn: boolean }) {
    this.viewers = h('span', { id: 'viewer-count', text: '0' });
    this.likes = h('span', { id: 'like-count', text: '0' });
    this.list = h('ol', { id: 'chat-list', class: 'chat-list', 'aria-live': 'polite', 'aria-label': t('chat.messages') });
    this.status = h('p', { id: 'room-status', class: 'room-status', text: t('room.joining') });

    this.nicknameInput = h('input', { id: 'nickname-input', type: 'text', maxlength: 32, autocomplete: 'nickname', placeholder: t('chat.nicknamePlaceholder'), 'aria-label': t('chat.nickname'), required: true });
    this.nicknameSave = h('button', { id: 'nickname-save', type: 'submit', text: t('chat.join'), 'aria-label': t('chat.joinLabel') });
    this.nicknameError = h('p', { id: 'nickname-error', class: 'form-error', role: 'alert' });
    this.signInForm = h('form', { id: 'nickname-form', class: 'inline-form' },
      h('label', { for: 'nickname-input', class: 'visually-hidden', text: t('chat.nickname') }), this.nicknameInput, this.nicknameSave, this.nicknameError);
    this.signInForm.addEventListener('submit', (ev) => { ev.preventDefault(); void this.submitNickname(); });
    this.signInForm.hidden = !options.allowSignIn;

    this.chatInput = h('input', { id: 'chat-input', type: 'text', maxlength: 100, placeholder: t('chat.placeholder'), 'aria-label': t('chat.inputLabel'), enterkeyhint: 'send', autocomplete: 'off', disabled: true });
    this.chatSend = h('button', { id: 'chat-send', type: 'submit', text: t('chat.send'), 'aria-label': t('chat.sendLabel'), disabled: true });
    this.chatColor = h('select', { id: 'chat-color', 'aria-label': t('chat.colour') });
    for (const [value, name] of COLORS) this.chatColor.append(h('option', { value, text: t(name) }));
    this.chatMode = h('select', { id: 'chat-mode', 'aria-label': t('chat.position') },
      h('option', { value: 'scroll', text: t('chat.modeScroll') }), h('option', { value: 'top', text: t('chat.modeTop') }), h('option', { value: 'bottom', text: t('chat.modeBottom') }));
    this.chatError = h('p', { id: 'chat-error', class: 'form-error', role: 'alert' });
    this.composeForm = h('form', { id: 'chat-form', class: 'compose' },
      h('div', { class: 'compose-row' }, this.chatInput, this.chatSend),
      h('div', { class: 'compose-row compose-options' }, this.chatColor, this.chatMode), this.chatError);
    this.composeForm.addEventListener('submit', (ev) => { ev.preventDefault(); this.submitDanmaku(); });
    this.chatInput.addEventListener('input', () => { this.chatError.textContent = ''; });
    this.composeForm.hidden = true;

    this.likeButton = h('button', { id: 'like-button', type: 'button', class: 'like-button', 'aria-label': t('gifts.likeLabel') }, icon('heart'), t('gifts.like'));
    this.likeButton.addEventListener('click', () => this.onLike());
    this.gifts = h('div', { id: 'gift-panel', class: 'gift-panel', role: 'group', 'aria-label': t('gifts.group') });
    this.leaderboard = h('ol', { id: 'leaderboard', class: 'leaderboard', 'aria-label': t('gifts.topGifters') });
    // gifts and leaderboard: inline on a desktop, a bottom sheet opened from the gift button on a phone
    this.giftOpen = h('button', { id: 'gift-open', type: 'button', class: 'gift-open', 'aria-expanded': 'false', 'aria-controls': 'gift-sheet' },
      icon('gift'), t('gifts.open'));
    this.giftOpen.addEventListener('click', () => this.showSheet(!this.sheet.classList.contains('open')));
    const close = h('button', { id: 'gift-close', type: 'button', class: 'sheet-close', text: t('gifts.close') });
    close.addEventListener('click', () => this.showSheet(false));
    this.sheet = h('div', { id: 'gift-sheet', class: 'gift-sheet', role: 'group', 'aria-label': t('gifts.sheet') },
      h('div', { class: 'sheet-head' }, h('span', { class: 'sheet-title', text: t('gifts.sheet') }), close), this.gifts,
      h('details', { class: 'leaderboard-box', open: true }, h('summary', { text: t('gifts.leaderboard') }), this.leaderboard));
    const backdrop = h('div', { class: 'sheet-backdrop', 'aria-hidden': 'true' });
    backdrop.addEventListener('click', () => this.showSheet(false));

    this.root = h('aside', { class: 'room-panel', 'aria-label': t('room.label') },
      h('div', { class: 'room-stats' },
        h('span', { class: 'stat', title: t('room.viewers') }, icon('eye'), this.viewers, h('span', { class: 'visually-hidden', text: t('room.viewersSuffix') })),
        h('span', { class: 'stat', title: t('room.likes') }, icon('heart'), this.likes, h('span', { class: 'visually-hidden', text: t('room.likesSuffix') }))),
      this.status, this.list, this.signInForm,
      h('div', { class: 'room-bar' }, this.composeForm, h('div', { class: 'room-actions' }, this.likeButton, this.giftOpen)),
      this.sheet, backdrop);
  }

  /** Shows what the signed-in state allows: the nickname form when signed out, compose when in and joined. */
  setIdentity(signedIn: boolean, roomReady: boolean, note?: string): void {
    this.signInForm.hidden = !this.options.allowSignIn || signedIn;
    this.composeForm.hidden = !signedIn;
    const enabled = signedIn && roomReady;
    this.chatInput.disabled = !enabled;
    this.chatSend.disabled = !enabled;
    this.status.textContent = note ?? (roomReady ? (signedIn ? '' : t('room.readOnly')) : t('room.joining'));
    this.status.hidden = this.status.textContent === '';
  }

  hello(hello: Hello): void {
    this.selfId = hello.you?.id ?? null;
    this.setCounts(hello.viewers, hello.likes);
    this.setLeaderboard(hello.leaderboard);
    this.gifts.replaceChildren(...(hello.gifts ?? []).map((gift) =>
      h('button', { type: 'button', class: 'gift-button', 'data-gift': gift.id, 'aria-label': t('gifts.sendLabel', { gift: giftName(gift.id, gift.name), price: gift.price }),
        onclick: () => this.actions.gift(gift.id) }, icon('gift'), t('gifts.button', { gift: giftName(gift.id, gift.name), price: gift.price }))));
  }

  setCounts(viewers: number, likes: number): void {
    this.viewers.textContent = formatCount(viewers);
    this.likesShown = likes;
    this.likes.textContent = formatCount(likes);
  }

  setLeaderboard(entries: LeaderboardEntry[]): void {
    this.leaderboard.replaceChildren(...entries.slice(0, 10).map((entry) =>
      h('li', {}, h('span', { class: 'lb-nick', text: entry.nick }), h('span', { class: 'lb-coins', text: t('gifts.coins', { coins: formatCount(entry.coins) }) }))));
    if (entries.length === 0) this.leaderboard.append(h('li', { class: 'empty', text: t('gifts.none') }));
  }

  addDanmaku(event: DanmakuEvent): void {
    const item = h('li', { class: 'chat-item', 'data-id': event.id, 'data-user': event.user.id },
      h('span', { class: 'chat-nick', text: `${event.user.nick}: ` }),
      h('span', { class: 'chat-text', text: event.text, style: event.color && event.color.toLowerCase() !== '#ffffff' ? `color:${event.color}` : null }));
    if (this.options.moderation && event.user.id !== this.selfId && this.actions.moderate) {
      const target = { userId: event.user.id, messageId: event.id, nick: event.user.nick };
      const moderate = this.actions.moderate;
      item.append(h('span', { class: 'mod-buttons' },
        h('button', { type: 'button', class: 'mod-mute', text: t('mod.mute'), 'aria-label': t('mod.muteLabel', { nick: event.user.nick }), onclick: () => moderate('mute', target) }),
        h('button', { type: 'button', class: 'mod-ban', text: t('mod.ban'), 'aria-label': t('mod.banLabel', { nick: event.user.nick }), onclick: () => moderate('ban', target) }),
        h('button', { type: 'button', class: 'mod-delete', text: t('mod.delete'), 'aria-label': t('mod.deleteLabel', { nick: event.user.nick }), onclick: () => moderate('delete', target) })));
    }
    this.append(item);
  }

  addGift(event: GiftEvent): void {
    this.append(h('li', { class: 'chat-item chat-gift', 'data-id': event.id, 'data-user': event.user.id },
      h('span', { class: 'chat-nick', text: `${event.user.nick} ` }),
      h('span', { class: 'chat-text', text: giftText('chat.giftSent', event) })));
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

  /** A refusal in the page language when the catalogs know its code (docs/room-protocol.md), else as the server put it. */
  showError(code: string, message: string): void {
    this.chatError.textContent = has(`error.${code}`) ? t(`error.${code}`) : `${code}: ${message}`;
  }

  /** Liking or sending a gift without a nickname: say so where the nickname goes (or in the compose area for a fixed token). */
  askForNickname(text: string): void {
    this.showSheet(false);
    if (!this.signInForm.hidden) {
      this.nicknameError.textContent = text;
      this.nicknameInput.focus();
    } else {
      this.chatError.textContent = text;
    }
  }

  /** Opens or closes the gift sheet (a phone's bottom sheet; on a desktop the gifts are always shown). */
  showSheet(open: boolean): void {
    this.sheet.classList.toggle('open', open);
    this.root.classList.toggle('sheet-open', open);
    this.giftOpen.setAttribute('aria-expanded', String(open));
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
      this.nicknameError.textContent = t('chat.pickNickname');
      return;
    }
    this.nicknameSave.disabled = true;
    this.nicknameError.textContent = '';
    try {
      await this.actions.signIn(nickname);
    } catch (error) {
      this.nicknameError.textContent = (error as { status?: number }).status === 429 ? t('chat.signInRateLimited') : (error as Error).message || t('chat.signInFailed');
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
