/**
 * Event payloads: JSON objects at most two levels deep. Kept shallow on purpose: they cross
 * RPC, the replay log and the WebSocket, and a non-recursive type keeps RPC typing tractable.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonLeaf = JsonPrimitive | JsonPrimitive[];
export type JsonObject = Record<string, JsonLeaf | Record<string, JsonLeaf> | Array<Record<string, JsonLeaf>>>;
