/**
 * ApifonicaApplication: the controller URL and method Apifonica calls for a number's voice or
 * messaging events. Numbers link to it by `applicationSid`. Every field updates in place.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith, httpUrl, nonEmpty, oneOf, type Props, stripMeta } from "../core/check.js";
import { apifonicaSettings, configure } from "../core/config.js";
import { diffWith, type FieldRules } from "../core/diff.js";
import { isNotFound } from "../core/errors.js";
import { unlessGone } from "../core/outcome.js";
import { type ApifonicaApplication, type ApifonicaClient, apifonicaClient } from "./client.js";

export const KIND = "apifonica-application";
const STATE_VERSION = 1;

export const apifonicaApplicationInputs = z.strictObject({
  controller: httpUrl(),
  method: oneOf(["GET", "POST"]),
  name: nonEmpty(100).optional(),
  events: z
    .string()
    .regex(/^(none|all|[a-z_]+(\|[a-z_]+)*)$/, {
      error: 'is not a list of events; allowed: "none", "all" or event names joined by "|", such as "answered|completed"',
    })
    .optional(),
});
export type ApifonicaApplicationInputs = z.infer<typeof apifonicaApplicationInputs>;

export interface ApifonicaApplicationOutputs {
  stateVersion: number;
  applicationSid: string;
  controller: string;
  method: string;
  name: string | null;
  events: string | null;
}

function outputsOf(app: ApifonicaApplication): ApifonicaApplicationOutputs {
  return {
    stateVersion: STATE_VERSION,
    applicationSid: app.application_sid,
    controller: app.controller,
    method: app.method,
    name: app.name ?? null,
    events: app.events ?? null,
  };
}

const rules: FieldRules = { controller: {}, method: {}, name: {}, events: {} };

function api(): ApifonicaClient {
  return apifonicaClient(apifonicaSettings());
}

function fields(inputs: Partial<ApifonicaApplicationInputs>) {
  return {
    ...(inputs.controller !== undefined && { controller: inputs.controller }),
    ...(inputs.method !== undefined && { method: inputs.method }),
    ...(inputs.name !== undefined && { name: inputs.name }),
    ...(inputs.events !== undefined && { events: inputs.events }),
  };
}

async function create(news: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = apifonicaApplicationInputs.parse(stripMeta(news));
  const client = api();
  // An application costs nothing; the create is not retried, and an ambiguous failure surfaces.
  const { applicationSid } = await client.createApplication({
    ...fields(inputs),
    controller: inputs.controller,
    method: inputs.method,
  });
  return { id: applicationSid, outs: outputsOf(await client.getApplication(applicationSid)) };
}

async function read(id: string): Promise<pulumi.dynamic.ReadResult> {
  const live = await unlessGone(api().getApplication(id));
  return live ? { id, props: outputsOf(live) as unknown as Props } : { id: "", props: {} };
}

async function update(id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = apifonicaApplicationInputs.parse(stripMeta(news));
  const client = api();
  await client.updateApplication(id, fields(inputs));
  return { outs: outputsOf(await client.getApplication(id)) };
}

async function del(id: string): Promise<void> {
  try {
    await api().deleteApplication(id);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export const apifonicaApplicationProvider = {
  configure,
  check: async (_olds: Props, news: Props) => checkWith(apifonicaApplicationInputs, news),
  diff: async (_id: string, olds: Props, news: Props) => diffWith(olds, news, rules),
  create,
  read,
  update,
  delete: del,
};
