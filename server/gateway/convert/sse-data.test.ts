import { describe, expect, it } from "vitest";
import { sseEventData } from "../streaming/sse-splitter.ts";
import { eventData } from "./sse-data.ts";

const CASES = [
  'data: {"a":1}\n\n',
  'data:{"a":1}\n\n',
  'data: {"a":1}\r\n\r\n',
  'event: message_start\ndata: {"type":"message_start"}\n\n',
  'event:ping\r\ndata:{}\r\n\r\n',
  "data: [DONE]\n\n",
  "data: \n\n",
  "data:\n\n",
  'data: {"text":"ünïcode — ok"}\n\n',
  'data: {"a":\ndata: 1}\n\n',
  "event: x\nid: 3\ndata: {}\n\n",
  "id: 3\ndata: {}\n\n",
  ": comment\ndata: {}\n\n",
  "event: only\n\n",
  "data: {}\nevent: late\n\n",
  "data: {}",
  "event: x\ndata: {}",
  "event: x\r\ndata: a\rb\r\n\r\n",
  "datum: x\n\n",
  "",
];

describe("eventData", () => {
  it.each(CASES)("reads %j as the general SSE reader does", (text) => {
    const event = Buffer.from(text);
    expect(eventData(event)).toBe(sseEventData(event));
  });
});
