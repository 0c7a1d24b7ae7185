// Choosing a space over the spaces HTTP API (/api/v1, docs/SPACES.md): the caller's own spaces, creating one
// (empty, or from a map: the space gets its own copy of the map's elements), and, for admins, a sample map.
import { api } from "/sdk/hubbub.js";

const V1 = "/api/v1";

export async function mySpaces(token) {
  return (await api("", "GET", V1 + "/space/all", token)).spaces;
}

export async function definition(token, spaceId) {
  return api("", "GET", V1 + "/space/" + encodeURIComponent(spaceId), token);
}

/** Creates a space from `mapId` when given, else an empty one of `dimensions` ("WxH"); answers its id. */
export async function createSpace(token, name, mapId, dimensions) {
  const body = mapId ? { name, mapId } : { name, dimensions };
  return (await api("", "POST", V1 + "/space", token, body)).spaceId;
}

/**
 * An admin's sample map (16×10): a wall across the middle with a door, a few static boulders and a rug one
 * can walk over. Creates its two elements first. Answers the map id.
 */
export async function sampleMap(token) {
  const element = async (imageUrl, isStatic) =>
    (await api("", "POST", V1 + "/admin/element", token, { imageUrl, width: 1, height: 1, static: isStatic })).id;
  const wall = await element("/demo/spaces/wall", true);
  const rug = await element("/demo/spaces/rug", false);
  const defaultElements = [];
  for (let x = 0; x < 16; x++) if (x !== 7 && x !== 8) defaultElements.push({ elementId: wall, x, y: 5 });
  for (const [x, y] of [[3, 2], [12, 1], [2, 8], [13, 7]]) defaultElements.push({ elementId: wall, x, y });
  for (let x = 6; x < 10; x++) for (let y = 1; y < 3; y++) defaultElements.push({ elementId: rug, x, y });
  const body = { name: "Sample office", thumbnail: "/demo/spaces/sample", dimensions: "16x10", defaultElements };
  return (await api("", "POST", V1 + "/admin/map", token, body)).id;
}
