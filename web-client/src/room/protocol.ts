/** The room protocol's messages (docs/room-protocol.md). */
export interface Author {
  id: string;
  nick: string;
}

export interface DanmakuEvent {
  type: 'danmaku';
  seq: number;
  ts: number;
  id: string;
  user: Author;
  text: string;
  color: string;
  mode: 'scroll' | 'top' | 'bottom';
  streamTs: number;
}

export interface GiftEvent {
  type: 'gift';
  seq: number;
  ts: number;
  id: string;
  user: Author;
  giftId: string;
  name: string;
  count: number;
  coins: number;
}

export interface NoticeEvent {
  type: 'notice';
  seq: number;
  ts: number;
  kind: 'stream-online' | 'stream-offline' | 'muted' | 'unmuted' | 'banned' | 'unbanned' | 'deleted';
  userId?: string;
  messageId?: string;
  until?: number;
}

export interface LeaderboardEntry {
  id: string;
  nick: string;
  coins: number;
}

export interface StatsEvent {
  type: 'stats';
  seq: number;
  likes: number;
  viewers: number;
  leaderboard: LeaderboardEntry[];
}

export type RoomEvent = DanmakuEvent | GiftEvent | NoticeEvent | StatsEvent;

export interface Hello {
  type: 'hello';
  room: string;
  seq: number;
  viewers: number;
  likes: number;
  leaderboard: LeaderboardEntry[];
  gifts: { id: string; name: string; price: number }[];
  resumed: boolean;
  history: RoomEvent[];
  you: { id: string; nick: string; role: string; stream: string | null };
}

export interface RoomError {
  type: 'error';
  code: string;
  message: string;
}

export type ServerMessage = Hello | RoomError | { type: 'batch'; events: RoomEvent[] } | { type: 'pong'; ts: number };
