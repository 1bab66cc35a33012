import type { types } from "@slack/bolt";
import type { Community } from "../../../core/config/schema.js";
import { QUESTION_MAX, REASON_MAX, REPLY_MAX } from "../../../core/limits.js";
import { ASK_FORM, BLOCK_OPTION, BULK_DENY_FORM, DENY_FORM, REPLY_FORM } from "../../../core/messages.js";
import type { InterviewRound, JoinRequest } from "../../../core/model.js";
import { mrkdwnFit, plainText, truncate } from "../escape.js";
import {
  ACTION,
  type ApplyMetadata,
  BLOCK,
  BLOCK_VALUE,
  CALLBACK,
  type DenyMetadata,
  type HomeDenyMetadata,
  type ReplyMetadata,
} from "../ids.js";

/**
 * The bot's modals, as pure functions: the application form, the answer shown once a request is
 * recorded, and the moderator's deny-reason form. `private_metadata` carries ids only.
 */

export type ModalView = types.ModalView;

const TITLE_MAX = 24;
const LABEL_MAX = 2000;

const plain = (text: string, max = LABEL_MAX): types.PlainTextElement => ({
  type: "plain_text",
  text: truncate(plainText(text), max) || " ",
  emoji: false,
});

function titleFor(community: Community): types.PlainTextElement {
  return plain(`Join ${community.name}`, TITLE_MAX);
}

/** The application form: one input per question, then the personal note. */
export function applyModal(community: Community): ModalView {
  const blocks: types.KnownBlock[] = [];
  if (community.description) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: mrkdwnFit(community.description, 3000) } });
  }
  for (const q of community.questions) {
    blocks.push({
      type: "input",
      block_id: BLOCK.question(q.id),
      optional: !q.required,
      label: plain(q.label),
      hint: plain(`Up to ${q.maxLength} characters.`),
      element: {
        type: "plain_text_input",
        action_id: ACTION.input,
        multiline: q.style === "paragraph",
        max_length: q.maxLength,
        ...(q.minLength > 0 ? { min_length: q.minLength } : {}),
        ...(q.placeholder ? { placeholder: plain(q.placeholder, 150) } : {}),
      },
    });
  }
  blocks.push({
    type: "input",
    block_id: BLOCK.note,
    optional: !community.note.required,
    label: plain("Personal note"),
    hint: plain(`A few words for the moderators, up to ${community.note.maxLength} characters.`),
    element: {
      type: "plain_text_input",
      action_id: ACTION.input,
      multiline: true,
      max_length: community.note.maxLength,
    },
  });
  const metadata: ApplyMetadata = { c: community.id };
  return {
    type: "modal",
    callback_id: CALLBACK.apply,
    title: titleFor(community),
    submit: plain("Send request", TITLE_MAX),
    close: plain("Cancel", TITLE_MAX),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

/** What replaces the form once the request is recorded (or refused): plain text, no inputs. */
export function answerModal(community: Community, text: string): ModalView {
  return {
    type: "modal",
    title: titleFor(community),
    close: plain("Done", TITLE_MAX),
    blocks: [{ type: "section", text: plain(text, 3000) }],
  };
}

/** A modal that only says something (e.g. to a moderator whose deny came too late). */
export function messageModal(title: string, text: string): ModalView {
  return {
    type: "modal",
    title: plain(title, TITLE_MAX),
    close: plain("Close", TITLE_MAX),
    blocks: [{ type: "section", text: plain(text, 3000) }],
  };
}

/** The moderator's deny form: the reason, pre-filled from the failed rules, goes to the applicant. */
export function denyModal(
  request: JoinRequest,
  community: Community,
  prefill: string,
  channel?: string,
): ModalView {
  const metadata: DenyMetadata = { r: request.id, ...(channel ? { ch: channel } : {}) };
  const initial = truncate(prefill.trim(), REASON_MAX);
  return {
    type: "modal",
    callback_id: CALLBACK.denyReason,
    title: plain(DENY_FORM.title, TITLE_MAX),
    submit: plain(DENY_FORM.submit, TITLE_MAX),
    close: plain("Cancel", TITLE_MAX),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      {
        type: "section",
        text: plain(DENY_FORM.intro(request, community), 3000),
      },
      {
        type: "input",
        block_id: BLOCK.reason,
        optional: true,
        label: plain(DENY_FORM.reasonLabel),
        hint: plain(DENY_FORM.reasonHint),
        element: {
          type: "plain_text_input",
          action_id: ACTION.input,
          multiline: true,
          max_length: REASON_MAX,
          ...(initial ? { initial_value: initial } : {}),
        },
      },
      {
        type: "input",
        block_id: BLOCK.block,
        optional: true,
        label: plain(BLOCK_OPTION.label),
        element: {
          type: "checkboxes",
          action_id: ACTION.input,
          options: [
            {
              text: plain(BLOCK_OPTION.label, 75),
              description: plain(BLOCK_OPTION.hint(community), 150),
              value: BLOCK_VALUE,
            },
          ],
        },
      },
    ],
  };
}

/** The moderator's question to the applicant. */
export function askModal(request: JoinRequest, community: Community, channel?: string): ModalView {
  const metadata: DenyMetadata = { r: request.id, ...(channel ? { ch: channel } : {}) };
  return {
    type: "modal",
    callback_id: CALLBACK.ask,
    title: plain(ASK_FORM.title, TITLE_MAX),
    submit: plain(ASK_FORM.submit, TITLE_MAX),
    close: plain("Cancel", TITLE_MAX),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      { type: "section", text: plain(ASK_FORM.intro(request, community), 3000) },
      {
        type: "input",
        block_id: BLOCK.ask,
        label: plain(ASK_FORM.questionLabel),
        hint: plain(ASK_FORM.questionHint),
        element: {
          type: "plain_text_input",
          action_id: ACTION.input,
          multiline: true,
          max_length: QUESTION_MAX,
        },
      },
    ],
  };
}

/** The applicant's reply form: the question shown as plain text, the reply up to REPLY_MAX. */
export function replyModal(request: JoinRequest, round: InterviewRound): ModalView {
  const metadata: ReplyMetadata = { r: request.id, n: round.n };
  return {
    type: "modal",
    callback_id: CALLBACK.reply,
    title: plain(REPLY_FORM.title, TITLE_MAX),
    submit: plain(REPLY_FORM.submit, TITLE_MAX),
    close: plain("Cancel", TITLE_MAX),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      { type: "section", text: plain(round.question, 3000) },
      {
        type: "input",
        block_id: BLOCK.reply,
        label: plain(REPLY_FORM.replyLabel),
        hint: plain(REPLY_FORM.replyHint(REPLY_MAX)),
        element: {
          type: "plain_text_input",
          action_id: ACTION.input,
          multiline: true,
          max_length: REPLY_MAX,
        },
      },
    ],
  };
}

/**
 * "Deny selected" on the App Home: one optional reason for every selected request (left empty,
 * each applicant gets their own failed rules), as Discord's queue asks for it.
 */
export function homeDenyModal(communityId: string, count: number): ModalView {
  const metadata: HomeDenyMetadata = { c: communityId };
  return {
    type: "modal",
    callback_id: CALLBACK.homeDeny,
    title: plain(`${BULK_DENY_FORM.submit} ${count}`, TITLE_MAX),
    submit: plain(BULK_DENY_FORM.submit, TITLE_MAX),
    close: plain("Cancel", TITLE_MAX),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      {
        type: "input",
        block_id: BLOCK.reason,
        optional: true,
        label: plain(BULK_DENY_FORM.reasonLabel),
        hint: plain(BULK_DENY_FORM.reasonHint),
        element: {
          type: "plain_text_input",
          action_id: ACTION.input,
          multiline: true,
          max_length: REASON_MAX,
        },
      },
    ],
  };
}
