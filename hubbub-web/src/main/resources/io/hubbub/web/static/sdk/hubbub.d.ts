// Type declarations of the Hubbub JavaScript SDK (hubbub.js beside this file; guide: docs/SDK.md).

/** A room's place in its history: messages carry increasing `offset`s within one `epoch`. */
export interface Position { epoch: string; offset: number; }

export interface User { id: string; name: string; role?: "guest" | "user" | "admin" | "service"; }

export interface Member { id: string; name: string; status: "active" | "idle" | "away"; joinedAt: number; custom: unknown | null; }

export interface Welcome {
  sessionId: string;
  resumeToken: string;
  user: User;
  node: string;
  protocol: number;
  heartbeat: { intervalMs: number; timeoutMs: number };
  limits: { maxFrameBytes: number; framesPerSecond: number; roomsPerConnection: number };
}

export interface Room {
  id: string; name: string; capacity: number; visibility: "public" | "private"; publish: "members" | "host" | "server";
  historySize: number; historyTtl: number; presence: boolean; joinLeaveEvents: boolean; metadata: unknown;
  persistent: boolean; sticky: boolean; state: "active" | "idle" | "closed"; host: { id: string; name: string } | null;
  members: number; createdAt: number;
}

export interface JoinReply { room: Room; position: Position; recovered?: boolean; members?: Member[]; }

export interface Message { room: string; offset?: number; epoch?: string; ts?: number; from: { id: string; name: string }; data: unknown; }

/** The server's error codes (docs/PROTOCOL.md) and the SDK's own (LOCAL_CODES). */
export type ErrorCode =
  | "bad_request" | "unknown_event" | "unauthorized" | "forbidden" | "not_found" | "rate_limited" | "too_large"
  | "room_full" | "limit_exceeded" | "conflict" | "unavailable" | "internal"
  | "timeout" | "disconnected" | "queue_full" | "closed" | (string & {});

export class HubbubError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown | null;
  constructor(code: ErrorCode, message?: string, details?: unknown);
}

export const LOCAL_CODES: { readonly TIMEOUT: "timeout"; readonly DISCONNECTED: "disconnected"; readonly QUEUE_FULL: "queue_full"; readonly CLOSED: "closed" };

export type State = "idle" | "connecting" | "connected" | "reconnecting" | "closed";

export interface Options {
  /** An account or room token, or a function answering one (or a promise of one), called at every connect. */
  token?: string | (() => string | Promise<string>);
  /** Connect as a guest (the server must allow guests). */
  guest?: { name: string };
  /** "frame" (default): the token goes in an `auth` frame; "query": as ?token= at the handshake. */
  auth?: "frame" | "query";
  /** Milliseconds before a request fails with `timeout` (default 10000). */
  requestTimeout?: number;
  /** Milliseconds for a connection to be welcomed (default 10000). */
  connectTimeout?: number;
  /** Reconnect with exponential backoff and full jitter (default base 250 ms, max 10 s, unlimited attempts). */
  reconnect?: { enabled?: boolean; baseMs?: number; maxMs?: number; maxAttempts?: number };
  /** Requests kept while offline (default 100); more fail with `queue_full`. */
  queueLimit?: number;
}

export interface Events {
  state: (state: State) => void;
  welcome: (welcome: Welcome) => void;
  disconnect: (e: { code: number; reason: string }) => void;
  reconnecting: (e: { attempt: number; delayMs: number; code: number }) => void;
  recovery: (e: { room?: string; topic?: string; recovered: boolean; error?: { code: string; message: string } }) => void;
  close: (e: { code: number; reason: string }) => void;
  error: (e: HubbubError) => void;
  "message:new": (m: Message) => void;
  "message:direct": (m: { from: { id: string; name: string }; data: unknown; ts: number }) => void;
  "presence:join": (e: { room: string; user: Member }) => void;
  "presence:leave": (e: { room: string; user: { id: string; name: string } }) => void;
  "presence:update": (e: { room: string; user: Member }) => void;
  "typing:start": (e: { room: string; user: { id: string; name: string } }) => void;
  "typing:stop": (e: { room: string; user: { id: string; name: string } }) => void;
  "room:closed": (e: { room: string; reason: string }) => void;
  "topic:message": (m: { topic: string; offset?: number; epoch?: string; ts?: number; event: string; data: unknown }) => void;
  "*": (type: string, payload: any) => void;
}

export class Hubbub {
  constructor(url: string, options: Options);
  readonly state: State;
  readonly welcome: Welcome | null;
  readonly user: User | null;
  /** Joined rooms and the position of the last message delivered to the application. */
  readonly rooms: Map<string, Position | null>;
  /** Subscribed topics and the position of the last topic message delivered. */
  readonly topics: Map<string, Position | null>;
  on<K extends keyof Events>(type: K, fn: Events[K]): () => void;
  on(type: string, fn: (payload: any) => void): () => void;
  once<K extends keyof Events>(type: K, fn: Events[K]): () => void;
  once(type: string, fn: (payload: any) => void): () => void;
  off(type: string, fn: (...args: any[]) => void): void;
  connect(): Promise<Welcome>;
  close(): void;
  request<T = any>(type: string, payload?: object, options?: { timeout?: number }): Promise<T>;
  join(room: string, options?: { since?: Position; token?: string }): Promise<JoinReply>;
  create(room: string | null, options?: Partial<Omit<Room, "id" | "state" | "host" | "members" | "createdAt">>): Promise<JoinReply>;
  leave(room: string): Promise<{}>;
  subscribe(topic: string, options?: { since?: Position }): Promise<{ position: Position; recovered?: boolean }>;
  unsubscribe(topic: string): Promise<{}>;
  publish(room: string, data: unknown, options?: { excludeSelf?: boolean; clientId?: string }): Promise<{ offset: number; epoch: string; ts: number }>;
  history(room: string, options?: { limit?: number; before?: number }): Promise<{ messages: Message[]; position: Position }>;
  members(room: string): Promise<Member[]>;
  typing(room: string, on?: boolean): Promise<{}>;
  setPresence(presence: { status?: "active" | "idle" | "away"; custom?: unknown }): Promise<{}>;
  direct(user: string, data: unknown): Promise<{ ts: number }>;
}

export interface SignedIn { user: { id: string; username: string; displayName: string; role: string }; token: string; expiresAt: number; }

export function signIn(username: string, password: string, options?: { base?: string; signUp?: boolean; displayName?: string }): Promise<SignedIn>;

export function api<T = any>(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<T>;
