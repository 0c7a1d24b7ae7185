// The state of one joined space as this page knows it: the map's size and elements, everyone's position as
// the server last accepted it, names, and this user's proximity group. Plain data, no DOM: main.js feeds it
// the server's events, render.js draws it.

/** "WxH" → {w, h}. */
export function parseDimensions(text) {
  const m = /^(\d+)x(\d+)$/.exec(text ?? "");
  return m ? { w: Number(m[1]), h: Number(m[2]) } : { w: 1, h: 1 };
}

export class World {
  constructor(spaceId, selfId) {
    this.spaceId = spaceId;
    this.selfId = selfId;
    this.size = { w: 1, h: 1 };
    /** [{id, x, y, width, height, static}] as GET /api/v1/space/{id} lists them. */
    this.elements = [];
    /** user id → {x, y} */
    this.positions = new Map();
    /** user id → display name (unknown ids are shown shortened) */
    this.names = new Map();
    /** user ids of this user's proximity group, this user excluded */
    this.nearby = new Set();
    this.groupId = null;
  }

  /** The space's definition: {dimensions, elements: [{id, element: {width, height, static}, x, y}]}. */
  setDefinition(def) {
    this.size = parseDimensions(def.dimensions);
    this.elements = def.elements.map((e) => ({ id: e.id, x: e.x, y: e.y, width: e.element.width, height: e.element.height, static: e.element.static }));
  }

  /** The join reply: {spawn, users: [{userId, x, y}], proximity?}. */
  joined(reply) {
    this.positions.clear();
    this.positions.set(this.selfId, { x: reply.spawn.x, y: reply.spawn.y });
    for (const u of reply.users) this.positions.set(u.userId, { x: u.x, y: u.y });
    this.setGroup(reply.proximity ?? null);
  }

  place(userId, x, y) {
    this.positions.set(userId, { x, y });
  }

  remove(userId) {
    this.positions.delete(userId);
    this.nearby.delete(userId);
  }

  /** A `space:moves` frame: everyone's latest accepted position; this user's own entry is skipped (its reply decides). */
  moves(frame) {
    for (const m of frame.moves) if (m.userId !== this.selfId && this.positions.has(m.userId)) this.place(m.userId, m.x, m.y);
  }

  /** {groupId, peers} of proximity:enter/update, or null when the group is left. */
  setGroup(group) {
    this.groupId = group?.groupId ?? null;
    this.nearby = new Set((group?.peers ?? []).filter((id) => id !== this.selfId));
  }

  name(userId) {
    return this.names.get(userId) ?? userId.slice(0, 8);
  }

  get self() {
    return this.positions.get(this.selfId);
  }

  /** Whether a static element covers (x, y): a hint only, the server decides. */
  blocked(x, y) {
    return this.elements.some((e) => e.static && x >= e.x && x < e.x + e.width && y >= e.y && y < e.y + e.height);
  }
}
